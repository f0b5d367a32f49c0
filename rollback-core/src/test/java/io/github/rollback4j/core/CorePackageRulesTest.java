package io.github.rollback4j.core;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** A user never needs to import rollback-core's internal package. */
class CorePackageRulesTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.rollback4j");

    private static final DescribedPredicate<JavaClass> INTERNAL =
            JavaClass.Predicates.resideInAPackage("io.github.rollback4j.core.internal..");

    @Test
    void publicCoreApiNeverExposesInternalTypes() {
        methods().that().arePublic().and().areDeclaredInClassesThat().resideInAPackage("io.github.rollback4j.core")
                .and().areDeclaredInClassesThat().arePublic()
                .should(new ArchCondition<>("neither return nor take an internal type") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        boolean leaks = INTERNAL.test(method.getRawReturnType())
                                || method.getRawParameterTypes().stream().anyMatch(INTERNAL);
                        if (leaks) {
                            events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes an internal type"));
                        }
                    }
                })
                .check(CORE);
    }

    @Test
    void theApiDependsOnNoCoreClass() {
        noClasses().that().resideInAPackage("io.github.rollback4j").or().resideInAPackage("io.github.rollback4j.spi")
                .should().dependOnClassesThat().resideInAPackage("io.github.rollback4j.core..")
                .check(CORE);
    }
}
