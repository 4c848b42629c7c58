package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Collection;

/** What must hold of a store whatever happened to the processes that used it. */
final class Invariants {
  private final TestStore store;

  Invariants(Path home) {
    this.store = TestStore.of(home);
  }

  long count(String sql) throws Exception {
    return store.count(sql);
  }

  String text(String sql) throws Exception {
    return store.text(sql);
  }

  /**
   * Checks them all: integrity, no grant used twice, state columns agreeing with the events, no
   * consumption without its audit, every approval that was reported has its grant, an intact chain.
   */
  void check(Path home, Collection<String> approvalsReported, String where) throws Exception {
    if (!store.postgres()) {
      assertEquals("ok", text("PRAGMA integrity_check"), where);
    }
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT approval_id FROM consumptions GROUP BY approval_id HAVING count(*) > 1) AS twice"),
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
