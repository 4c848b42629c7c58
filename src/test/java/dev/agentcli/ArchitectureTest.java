package dev.agentcli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The folders are the architecture: these rules keep the dependency direction true. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.agentcli");

  @Test
  void onlyTheStoreTouchesJdbcSqliteOrFlyway() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.agentcli.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "org.sqlite..", "org.flywaydb..")
        .check(CLASSES);
  }

  @Test
  void onlyTheCliTouchesPicocli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.agentcli.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("picocli..")
        .check(CLASSES);
  }

  @Test
  void nothingImportsTheCli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.agentcli.cli..")
        .and()
        .doNotHaveFullyQualifiedName("dev.agentcli.Main")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.agentcli.cli..")
        .check(CLASSES);
  }

  @Test
  void theDomainNeverImportsTheStoreOrTheRunner() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.agentcli.approval..",
            "dev.agentcli.manifest..",
            "dev.agentcli.audit..",
            "dev.agentcli.signing..",
            "dev.agentcli.error..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.agentcli.store..", "dev.agentcli.exec..")
        .check(CLASSES);
  }

  @Test
  void manifestAuditSigningAndErrorDoNotDependOnApproval() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.agentcli.manifest..",
            "dev.agentcli.audit..",
            "dev.agentcli.signing..",
            "dev.agentcli.error..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.agentcli.approval..")
        .check(CLASSES);
  }

  @Test
  void onlyMainExitsTheProcess() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.agentcli.Main")
        .should()
        .callMethod(System.class, "exit", int.class)
        .check(CLASSES);
  }
}
