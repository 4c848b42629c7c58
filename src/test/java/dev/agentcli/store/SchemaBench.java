package dev.agentcli.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

/**
 * The cost of the schema check that every open runs: the first check in a fresh JVM (what one
 * agentcli process pays: reading the expected schema from the jar and the database's
 * sqlite_schema), then the average of many, against opening the database in the same JVM. Run by
 * bench/schema.sh, which prints them against an exec's wall time measured in the same run.
 */
public final class SchemaBench {
  private SchemaBench() {}

  public static void main(String[] args) throws Exception {
    int repeats = Integer.parseInt(args.length > 0 ? args[0] : "1000");
    Path file = Files.createTempDirectory("agentcli-schema-bench").resolve("agentcli.db");
    Database.open(file, Duration.ofSeconds(5)).close(); // create and migrate, outside the timing
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      long t0 = System.nanoTime();
      if (!SchemaCheck.differences(c, Database.SCHEMA_VERSION).isEmpty()) {
        throw new AssertionError("a fresh database differs");
      }
      long first = System.nanoTime() - t0;
      t0 = System.nanoTime();
      for (int i = 0; i < repeats; i++) {
        SchemaCheck.differences(c, Database.SCHEMA_VERSION);
      }
      long each = (System.nanoTime() - t0) / repeats;
      t0 = System.nanoTime();
      Database.open(file, Duration.ofSeconds(5)).close();
      long open = System.nanoTime() - t0;
      System.out.printf("schema check, first in this JVM: %.2f ms%n", first / 1e6);
      System.out.printf("schema check, warm (mean of %d): %.3f ms%n", repeats, each / 1e6);
      System.out.printf("Database.open (with its check), after the first: %.2f ms%n", open / 1e6);
    }
  }
}
