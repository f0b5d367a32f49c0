package io.github.rollback4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import io.github.rollback4j.spi.RolloutState;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API module is contracts only: it must load with nothing but the JDK on the classpath. */
class ApiDependencyRulesTest {

    private static final ArchRule ONLY_JDK_AND_ITSELF = classes().that().resideInAPackage("io.github.rollback4j..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.github.rollback4j..")
            .because("rollback-api has no third-party runtime dependency: an application embeds it as is");

    private static final ArchRule NOT_ON_CORE = noClasses().that().resideInAPackage("io.github.rollback4j..")
            .should().dependOnClassesThat().resideInAPackage("io.github.rollback4j.core..")
            .because("dependencies point towards rollback-api, never out of it");

    private static JavaClasses apiClasses;

    @BeforeAll
    static void importApiClasses() {
        apiClasses = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("io.github.rollback4j");
    }

    @Test
    void importsTheApiMainClassesAndNoTests() {
        assertThat(apiClasses.stream().map(JavaClass::getName))
                .contains(Release.class.getName(), RolloutState.class.getName())
                .doesNotContain(ApiDependencyRulesTest.class.getName(), Artifacts.class.getName());
    }

    @Test
    void apiDependsOnlyOnTheJdkAndItself() {
        ONLY_JDK_AND_ITSELF.check(apiClasses);
    }

    @Test
    void apiDoesNotDependOnTheCore() {
        NOT_ON_CORE.check(apiClasses);
    }

    @Test
    void jdkOnlyRuleCatchesAThirdPartyDependency() {
        // The tests of this module use AssertJ, JUnit and jqwik: the rule must see them, or it proves nothing.
        JavaClasses testClasses = new ClassFileImporter()
                .withImportOption(new ImportOption.OnlyIncludeTests())
                .importPackages("io.github.rollback4j");

        assertThat(ONLY_JDK_AND_ITSELF.evaluate(testClasses).hasViolation()).isTrue();
    }
}
