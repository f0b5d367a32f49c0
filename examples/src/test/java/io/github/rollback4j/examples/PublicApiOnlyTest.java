package io.github.rollback4j.examples;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Examples are what users copy: they may use only the public API, never rollback-core's internals. */
class PublicApiOnlyTest {

    @Test
    void examplesUseOnlyPublicApi() {
        JavaClasses examples = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.rollback4j.examples");
        noClasses().should().dependOnClassesThat().resideInAPackage("io.github.rollback4j.core.internal..")
                .because("rollback-core's internal package is not public API")
                .check(examples);
    }
}
