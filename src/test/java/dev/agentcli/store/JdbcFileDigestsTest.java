package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.agentcli.codec.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Remembered file digests on a real SQLite file: used while the file is unchanged, never after. */
class JdbcFileDigestsTest {
  @TempDir Path dir;

  Clock later() {
    return Clock.fixed(Instant.now().plus(Duration.ofMinutes(1)), ZoneOffset.UTC);
  }

  long rows(Database db) {
    return db.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT count(*) FROM file_digests")) {
            return rs.next() ? rs.getLong(1) : -1;
          }
        });
  }

  @Test
  void aSettledFileIsRememberedAndAnEditIsSeenThroughTheChangeTime() throws Exception {
    Path f = Files.writeString(dir.resolve("tool"), "version one");
    try (Database db = Database.open(dir.resolve("a.db"), Duration.ofSeconds(5))) {
      JdbcFileDigests digests = new JdbcFileDigests(db, later());
      assertEquals(Sha256.of("version one"), digests.of(f));
      assertEquals(0, rows(db), "nothing is written before remember()");
      digests.remember();
      assertEquals(1, rows(db));
      // The remembered digest is what the next run uses (the database is trusted with it).
      String marker = "sha256:" + "ab".repeat(32);
      db.inTransaction(
          c -> {
            try (Statement s = c.createStatement()) {
              return s.executeUpdate("UPDATE file_digests SET sha256 = '" + marker + "'");
            }
          });
      assertEquals(marker, new JdbcFileDigests(db, later()).of(f));
      // Same size, and the modification time set back: only the change time tells.
      var mtime = Files.getLastModifiedTime(f);
      Files.writeString(f, "version two");
      Files.setLastModifiedTime(f, mtime);
      assertEquals(Sha256.of("version two"), new JdbcFileDigests(db, later()).of(f));
    }
  }

  @Test
  void aFileChangedMomentsAgoIsNeverRemembered() throws Exception {
    Path f = Files.writeString(dir.resolve("fresh"), "just written");
    try (Database db = Database.open(dir.resolve("a.db"), Duration.ofSeconds(5))) {
      JdbcFileDigests digests = new JdbcFileDigests(db, Clock.systemUTC());
      assertEquals(Sha256.of("just written"), digests.of(f));
      digests.remember();
      assertEquals(0, rows(db));
    }
  }

  @Test
  void aMissingFileHasNoDigest() {
    try (Database db = Database.open(dir.resolve("a.db"), Duration.ofSeconds(5))) {
      assertNull(new JdbcFileDigests(db, later()).of(dir.resolve("nothing")));
    }
  }
}
