package dev.agentcli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The folders are the architecture: these rules keep the dependency direction true. */
class ArchitectureTest {
  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.agentcli");

  @Test
  void onlyTheStoreTouchesJdbcSqlitePostgresqlOrFlyway() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.agentcli.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "org.sqlite..", "org.postgresql..", "org.flywaydb..")
        .check(CLASSES);
  }

  @Test
  void onlySigningTouchesWebauthn4j() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.agentcli.signing..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.webauthn4j..")
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

  /**
   * Commands are defined in code ({@code cli/Definition}): reading picocli's annotations costs a
   * proxy class per annotation type on every start, about 100 ms.
   */
  @Test
  void noCommandIsDefinedByPicocliAnnotations() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(
            picocli.CommandLine.Command.class,
            picocli.CommandLine.Option.class,
            picocli.CommandLine.Parameters.class,
            picocli.CommandLine.Mixin.class,
            picocli.CommandLine.Spec.class,
            picocli.CommandLine.ArgGroup.class,
            picocli.CommandLine.ParentCommand.class)
        .check(CLASSES);
  }

  @Test
  void nothingImportsTheCli() {
    // But the entry points: Main, and the launcher's training run.
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.agentcli.cli..")
        .and()
        .doNotHaveFullyQualifiedName("dev.agentcli.Main")
        .and()
        .doNotHaveFullyQualifiedName("dev.agentcli.Training")
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
  void theCodecDependsOnNothingOfAgentcli() {
    classes()
        .that()
        .resideInAPackage("dev.agentcli.codec..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.agentcli.codec..", "java..", "com.fasterxml.jackson..")
        .check(CLASSES);
  }

  @Test
  void theRunnerNeverTouchesTheStoreOrTheSigningKeys() {
    noClasses()
        .that()
        .resideInAPackage("dev.agentcli.exec..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agentcli.store..", "dev.agentcli.signing..", "dev.agentcli.config..")
        .check(CLASSES);
  }

  @Test
  void onlyTheApplicationLayerAndTheAdaptersReachTheRunner() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.agentcli.exec..", "dev.agentcli.app..", "dev.agentcli.cli..", "dev.agentcli.mcp..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.agentcli.exec..")
        .check(CLASSES);
  }

  @Test
  void neitherTheApplicationLayerNorTheAgentAdaptersKnowACommand() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.agentcli.app..",
            "dev.agentcli.mcp..",
            "dev.agentcli.hook..",
            "dev.agentcli.serve..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.agentcli.cli..")
        .check(CLASSES);
  }

  @Test
  void theGateReachesItsDatabaseOnlyThroughItsPorts() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.agentcli.approval..", "dev.agentcli.exec..")
        .should()
        .dependOnClassesThat()
        .haveSimpleNameStartingWith("Jdbc")
        .check(CLASSES);
  }

  /** The gate's files stay small enough to read at once. */
  @Test
  void noSourceFileOfTheGateIsLongerThan300Lines() throws IOException {
    List<String> longer = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/agentcli/approval"))) {
      for (Path f : files.toList()) {
        if (Files.readAllLines(f).size() > 300) {
          longer.add(f.getFileName().toString());
        }
      }
    }
    assertEquals(List.of(), longer);
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
