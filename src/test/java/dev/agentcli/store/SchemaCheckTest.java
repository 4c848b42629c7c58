package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The expected schemas shipped with the build are exactly what the migrations create. Run with
 * {@code AGENTCLI_WRITE_SCHEMAS=$PWD/src/main/resources/dev/agentcli/store} to regenerate them
 * after adding a migration.
 */
class SchemaCheckTest {
  @TempDir Path dir;

  /** Every version this build migrates to: a new migration is checked without editing this. */
  static IntStream versions() {
    return IntStream.rangeClosed(1, Database.SCHEMA_VERSION);
  }

  @ParameterizedTest
  @MethodSource("versions")
  void theShippedSchemaOfEachVersionIsWhatItsMigrationsCreate(int version) throws Exception {
    Path db = dir.resolve("v" + version + ".db");
    Migrations.migrate(db, String.valueOf(version));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      String dump = SchemaCheck.dump(c);
      String out = System.getenv("AGENTCLI_WRITE_SCHEMAS");
      if (out != null) {
        Files.writeString(Path.of(out).resolve("schema-v" + version + ".tsv"), dump);
      }
      assertEquals(dump, SchemaCheck.expected(version), "schema-v" + version + ".tsv is stale");
      assertTrue(SchemaCheck.differences(c, version).isEmpty());
    }
  }

  @Test
  void theCurrentVersionHasAnExpectedSchema() {
    assertTrue(SchemaCheck.expected(Database.SCHEMA_VERSION).contains("audit_events"));
  }

  @Test
  void aPlantedTriggerIsNamed() throws Exception {
    Path db = dir.resolve("t.db");
    Database.open(db, Duration.ofSeconds(5)).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TRIGGER again AFTER UPDATE ON grants BEGIN UPDATE grants SET consumed_at = NULL;"
              + " END");
      assertEquals(
          java.util.List.of("trigger again is not part of schema " + Database.SCHEMA_VERSION),
          SchemaCheck.differences(c, Database.SCHEMA_VERSION));
    }
  }
}
