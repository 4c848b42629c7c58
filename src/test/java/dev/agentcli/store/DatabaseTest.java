package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening, creating and migrating the database file. */
class DatabaseTest {
  @TempDir Path dir;

  private static final Duration LOCK = Duration.ofSeconds(5);

  String pragma(Path file, String name) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void newDatabaseIsPrivateWalAndCurrent() throws Exception {
    Path file = dir.resolve("state").resolve("agentcli.db");
    try (Database db = Database.open(file, LOCK)) {
      db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM grants"));
    }
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("wal", pragma(file, "journal_mode"));
    assertEquals(String.valueOf(Database.SCHEMA_VERSION), pragma(file, "user_version"));
  }

  @Test
  void reopeningACurrentDatabaseRunsNoMigration() throws Exception {
    Path file = dir.resolve("agentcli.db");
    Database.open(file, LOCK).close();
    Database.open(file, LOCK).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs =
            c.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history")) {
      rs.next();
      assertEquals(Database.SCHEMA_VERSION, rs.getInt(1), "each migration applied once");
    }
  }

  @Test
  void highestMigrationMatchesTheSchemaVersionTheCodeExpects() throws Exception {
    try (var files = Files.list(Path.of("db/migration/sqlite"))) {
      int highest =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.matches("V\\d+__.*\\.sql"))
              .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
              .max()
              .orElseThrow();
      // Schema 4 is a Java migration: the audit chain's genesis needs SHA-256.
      assertEquals(Math.max(highest, AuditGenesisMigration.VERSION), Database.SCHEMA_VERSION);
    }
  }

  @Test
  void symlinkInPlaceOfTheDatabaseIsRefused() throws Exception {
    Path target = dir.resolve("elsewhere.db");
    Files.createFile(target);
    Path link = dir.resolve("agentcli.db");
    Files.createSymbolicLink(link, target);
    AgentCliException e = assertThrows(AgentCliException.class, () -> Database.open(link, LOCK));
    assertEquals(ErrorCode.UNSAFE_PATH, e.code());
    assertEquals(0, Files.size(target), "nothing was written through the link");
  }

  @Test
  void directoryOrFifoInPlaceOfTheDatabaseIsRefused() throws Exception {
    Path d = dir.resolve("agentcli.db");
    Files.createDirectory(d);
    assertEquals(
        ErrorCode.UNSAFE_PATH,
        assertThrows(AgentCliException.class, () -> Database.open(d, LOCK)).code());
    Path fifo = dir.resolve("fifo.db");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertEquals(
        ErrorCode.UNSAFE_PATH,
        assertThrows(AgentCliException.class, () -> Database.open(fifo, LOCK)).code());
  }

  @Test
  void symlinkedStateFolderIsRefused() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path state = Files.createSymbolicLink(dir.resolve("state"), real);
    AgentCliException e =
        assertThrows(
            AgentCliException.class, () -> Database.open(state.resolve("agentcli.db"), LOCK));
    assertEquals(ErrorCode.UNSAFE_PATH, e.code());
  }

  @Test
  void worldWritableFolderOrDatabaseIsRefused() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Path file = state.resolve("agentcli.db");
    Database.open(file, LOCK).close();
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals(
        ErrorCode.UNSAFE_PATH,
        assertThrows(AgentCliException.class, () -> Database.open(file, LOCK)).code());
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    assertEquals(
        ErrorCode.UNSAFE_PATH,
        assertThrows(AgentCliException.class, () -> Database.open(file, LOCK)).code());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Path sticky = Files.createDirectories(dir.resolve("shared"));
    assertEquals(0, new ProcessBuilder("chmod", "1777", sticky.toString()).start().waitFor());
    Database.open(sticky.resolve("agentcli.db"), LOCK).close(); // like /tmp: allowed
  }

  @Test
  void databaseWhoseWalFileIsMissingOpensAtItsLastCheckpoint() throws Exception {
    Path file = dir.resolve("agentcli.db");
    Database.open(file, LOCK).close();
    try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      writer.createStatement().execute("PRAGMA wal_autocheckpoint = 0");
      writer
          .createStatement()
          .execute(
              "INSERT INTO audit_events (occurred_at, event_type, outcome) VALUES ('2026-01-01T00:00:00.000Z', 'x', 'ok')");
      assertTrue(Files.size(Path.of(file + "-wal")) > 0, "the row is only in the -wal file");
      Path copy = Files.createDirectories(dir.resolve("copy")).resolve("agentcli.db");
      Files.copy(file, copy); // the database without its -wal file
      try (Database db = Database.open(copy, LOCK)) {
        int rows =
            db.read(
                c -> {
                  try (ResultSet rs =
                      c.createStatement()
                          .executeQuery(
                              "SELECT count(*) FROM audit_events WHERE event_type <> 'audit_genesis'")) {
                    rs.next();
                    return rs.getInt(1);
                  }
                });
        assertEquals(0, rows, "what was never checkpointed is gone, and nothing else");
      }
      assertEquals("ok", pragma(copy, "integrity_check"));
    }
  }

  @Test
  void newerSchemaIsRefusedNotDowngraded() throws Exception {
    Path file = dir.resolve("agentcli.db");
    Database.open(file, LOCK).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement().execute("PRAGMA user_version = 99");
    }
    AgentCliException e = assertThrows(AgentCliException.class, () -> Database.open(file, LOCK));
    assertEquals(ErrorCode.DATABASE_NEWER_THAN_BUILD, e.code());
    assertEquals("99", pragma(file, "user_version"));
  }

  @Test
  void fileThatIsNotSqliteIsADatabaseError() throws Exception {
    Path file = dir.resolve("agentcli.db");
    Files.writeString(
        file, "this is not a database, just text that is long enough to be a header....");
    AgentCliException e = assertThrows(AgentCliException.class, () -> Database.open(file, LOCK));
    assertEquals(ErrorCode.DATABASE_ERROR, e.code());
    assertTrue(e.getMessage().contains("not a usable agentcli database"), e.getMessage());
  }

  @Test
  void heldWriteLockTimesOutWithApprovalLockTimeout() throws Exception {
    Path file = dir.resolve("agentcli.db");
    Database.open(file, LOCK).close();
    try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + file);
        Database db = Database.open(file, Duration.ofMillis(100))) {
      holder.createStatement().execute("BEGIN IMMEDIATE");
      AgentCliException e =
          assertThrows(AgentCliException.class, () -> db.inTransaction(c -> null));
      assertEquals(ErrorCode.APPROVAL_LOCK_TIMEOUT, e.code());
      holder.createStatement().execute("ROLLBACK");
      assertEquals("done", db.inTransaction(c -> "done"));
    }
  }

  @Test
  void failedWorkIsRolledBack() throws Exception {
    Path file = dir.resolve("agentcli.db");
    try (Database db = Database.open(file, LOCK)) {
      assertThrows(
          AgentCliException.class,
          () ->
              db.inTransaction(
                  c -> {
                    c.createStatement()
                        .execute(
                            "INSERT INTO audit_events (occurred_at, event_type, outcome)"
                                + " VALUES ('2026-01-01T00:00:00.000Z', 'x', 'ok')");
                    c.createStatement().execute("INSERT INTO no_such_table VALUES (1)");
                    return null;
                  }));
      int rows =
          db.read(
              c -> {
                try (ResultSet rs =
                    c.createStatement()
                        .executeQuery(
                            "SELECT count(*) FROM audit_events WHERE event_type <> 'audit_genesis'")) {
                  rs.next();
                  return rs.getInt(1);
                }
              });
      assertEquals(0, rows);
    }
  }
}
