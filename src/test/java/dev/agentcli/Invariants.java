package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Collection;

/** What must hold of a database whatever happened to the processes that used it. */
final class Invariants {
  private final Path db;

  Invariants(Path home) {
    this.db = home.resolve("state/agentcli.db");
  }

  long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String text(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Checks them all: integrity, no grant used twice, state columns agreeing with the events, no
   * consumption without its audit, every approval that was reported has its grant, an intact chain.
   */
  void check(Path home, Collection<String> approvalsReported, String where) throws Exception {
    assertEquals("ok", text("PRAGMA integrity_check"), where);
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT approval_id FROM consumptions GROUP BY approval_id HAVING count(*) > 1)"),
        where);
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM consumptions WHERE approval_id NOT IN (SELECT approval_id FROM grants)"),
        where);
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM grants g WHERE (g.consumed_at IS NULL) = EXISTS (SELECT 1 FROM consumptions c WHERE c.approval_id = g.approval_id)"),
        where);
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM grants g WHERE (g.revoked_at IS NULL) = EXISTS (SELECT 1 FROM revocations r WHERE r.approval_id = g.approval_id)"),
        where);
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM consumptions c WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.event_type = 'grant_claim' AND a.outcome = 'ok' AND a.execution_id = c.execution_id)"),
        where + ": a consumption without its audit");
    for (String id : approvalsReported) {
      assertEquals(
          1,
          count("SELECT count(*) FROM grants WHERE approval_id = '" + id + "'"),
          where + ": approve returned " + id);
    }
    Jvm.Done verify = Jvm.run(home, "audit", "verify");
    assertEquals(0, verify.status(), where + ": " + verify);
  }
}
