package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped PostgreSQL schema is exactly what the migrations create on a real server, and what an
 * edit changes is named. Run with {@code
 * AGENTCLI_WRITE_SCHEMAS=$PWD/src/main/resources/dev/agentcli/store} to regenerate it.
 */
class PostgresSchemaIT {
  static Database fresh(String url) {
    return Database.open(
        PostgresUrl.parse(url, PostgresServer.ROLE),
        PostgresServer.PASSWORD,
        Duration.ofSeconds(5));
  }

  @Test
  void theShippedSchemaIsWhatTheMigrationsCreate() throws Exception {
    String url = PostgresServer.get().newEmptyDatabase();
    fresh(url).close();
    try (Connection c = PostgresServer.connect(url)) {
      String dump = SchemaCheck.dumpPostgres(c);
      String out = System.getenv("AGENTCLI_WRITE_SCHEMAS");
      if (out != null) {
        Files.writeString(
            Path.of(out).resolve("schema-postgresql-v" + Database.SCHEMA_VERSION + ".tsv"), dump);
      }
      assertEquals(
          SchemaCheck.shipped("postgresql-v" + Database.SCHEMA_VERSION),
          dump,
          "schema-postgresql-v" + Database.SCHEMA_VERSION + ".tsv is stale");
      assertTrue(
          dump.lines().noneMatch(l -> l.startsWith("trigger\t") || l.startsWith("function\t")),
          "agentcli creates no trigger and no function");
    }
    try (Database db = fresh(url)) {
      assertEquals(List.of(), db.tampering());
    }
  }

  @Test
  void aPlantedTriggerIsNamedAndEveryWriteIsRefused() throws Exception {
    String url = PostgresServer.get().newEmptyDatabase();
    fresh(url).close();
    try (Connection c = PostgresServer.connect(url);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE FUNCTION again() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN NEW.consumed_at := NULL; RETURN NEW; END $$");
      s.execute(
          "CREATE TRIGGER again BEFORE UPDATE ON grants FOR EACH ROW EXECUTE FUNCTION again()");
    }
    try (Database db = fresh(url)) {
      assertEquals(
          List.of(
              "function again() is not part of schema " + Database.SCHEMA_VERSION,
              "trigger again is not part of schema " + Database.SCHEMA_VERSION),
          db.tampering());
    }
  }
}
