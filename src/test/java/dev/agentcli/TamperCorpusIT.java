package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 10's tamper corpus: edits a person with the sqlite3 shell (and write access to the
 * database, not to the anchors file) can make, each with its expected outcome. Before each edit:
 * grant A was used once, grant B was revoked, grant C is pending, all signed. After each edit,
 * whatever else happens, A and B never run again; then the case's own outcomes: {@code verify}
 * (audit verify reports it), {@code tampered} (the schema differs: nothing is written, no grant is
 * used), {@code newer}, {@code refuse_c} (C is not used either), {@code runs_c} (C still runs).
 */
class TamperCorpusIT {
  @TempDir static Path keys;
  static Path key;

  @TempDir Path home;
  Cli cli;
  String manifest;
  String a;
  String b;
  String c;
  long aClaimEvent;

  @BeforeAll
  static void keygen() throws Exception {
    key = TestFiles.ed25519(keys, "alice");
  }

  @BeforeEach
  void decide() throws Exception {
    // Real times, minutes apart, as in use: the claim re-verifies the trail since a grant's
    // approval, found by time.
    cli = new Cli(home).at(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    assertEquals(0, cli.run("signers", "add", "alice@example.com", key + ".pub").status());
    manifest =
        cli.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\"}", "sh", "-c", "echo run >> " + home.resolve("ran")));
    a = approve();
    assertEquals(0, cli.run("exec", manifest, "deploy", "--approval-id", a).status());
    cli.advance(Duration.ofMinutes(10));
    b = approve();
    assertEquals(0, cli.run("approvals", "revoke", b, "--by", "alice@example.com").status());
    cli.advance(Duration.ofMinutes(10));
    c = approve();
    aClaimEvent =
        Long.parseLong(
            sqlite(
                "SELECT id FROM audit_events WHERE event_type = 'grant_claim' AND approval_id = '"
                    + a
                    + "'"));
    assertEquals(1, runs());
    assertEquals(0, cli.run("audit", "verify").status());
  }

  String approve() {
    return cli.approveSigned(manifest, "deploy", "alice@example.com", key);
  }

  long runs() throws Exception {
    Path ran = home.resolve("ran");
    return Files.exists(ran) ? Files.readAllLines(ran).size() : 0;
  }

  String sqlite(String sql) throws Exception {
    Jvm.Done d = TestFiles.sh(Map.of(), new byte[0], "sqlite3", cli.db.toString(), sql);
    assertEquals(0, d.status(), sql + "\n" + d);
    return d.out().trim();
  }

  record Case(String name, Set<String> expect, String sql) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case edit(String name, String expect, String sql) {
    return new Case(name, Set.of(expect.split(",")), sql);
  }

  /** Every event of A and of its execution, gone, and A set back to pending. */
  static final String ERASE_A =
      "DELETE FROM audit_events WHERE approval_id = '{A}' OR execution_id IN (SELECT execution_id"
          + " FROM consumptions WHERE approval_id = '{A}'); UPDATE grants SET consumed_at = NULL"
          + " WHERE approval_id = '{A}'; DELETE FROM consumptions WHERE approval_id = '{A}';";

  static final String RESET_A =
      "UPDATE grants SET consumed_at = NULL WHERE approval_id = '{A}';"
          + " DELETE FROM consumptions WHERE approval_id = '{A}';";

  static final String NON_STRICT_EVENTS =
      "CREATE TABLE ev AS SELECT * FROM audit_events; DROP TABLE audit_events;"
          + " ALTER TABLE ev RENAME TO audit_events;";

  static Stream<Arguments> corpus() {
    return Stream.of(
            // The five of the issue.
            edit(
                "typed value trick: events rebuilt without STRICT, A's claim as a BLOB",
                "tampered,verify",
                NON_STRICT_EVENTS
                    + " UPDATE audit_events SET approval_id = CAST(approval_id AS BLOB)"
                    + " WHERE approval_id = '{A}';"
                    + RESET_A),
            edit(
                "planted triggers that make every grant reusable",
                "tampered,verify",
                "CREATE TRIGGER t1 AFTER UPDATE OF consumed_at ON grants WHEN NEW.consumed_at IS"
                    + " NOT NULL BEGIN UPDATE grants SET consumed_at = NULL WHERE approval_id ="
                    + " NEW.approval_id; END; CREATE TRIGGER t2 AFTER INSERT ON consumptions"
                    + " BEGIN DELETE FROM consumptions WHERE id = NEW.id; END;"
                    + RESET_A),
            edit(
                "un-revoking B: revoked_at cleared, revocations row deleted",
                "verify,runs_c",
                "UPDATE grants SET revoked_at = NULL WHERE approval_id = '{B}';"
                    + " DELETE FROM revocations WHERE approval_id = '{B}';"),
            edit(
                "every hash blanked and A's claim deleted",
                "verify,refuse_c",
                "UPDATE audit_events SET prev_hash = NULL, event_hash = NULL;"
                    + " DELETE FROM audit_events WHERE event_type = 'grant_claim'"
                    + " AND approval_id = '{A}';"
                    + RESET_A),
            edit(
                "the chain rewritten from A's claim on (caught by the anchors)",
                "verify,tampered_claims",
                "REWRITE"),
            // Decisions undone in the state tables.
            edit(
                "A's consumed_at cleared",
                "verify,runs_c",
                "UPDATE grants SET consumed_at = NULL WHERE approval_id = '{A}';"),
            edit("A's consumption deleted and consumed_at cleared", "verify,runs_c", RESET_A),
            edit("A's consumption row deleted alone", "verify,runs_c", "DELETE FROM consumptions"),
            edit("every trace of A erased", "verify,runs_c", ERASE_A),
            edit(
                "every trace of A erased and the later ids closed up",
                "verify,refuse_c",
                ERASE_A + " UPDATE audit_events SET id = id - 100000 WHERE id > {A_CLAIM};"),
            edit(
                "the newest events truncated from A's claim on",
                "verify,tampered_claims",
                "DELETE FROM audit_events WHERE id >= {A_CLAIM};" + RESET_A),
            edit(
                "A's claim moved to C",
                "verify,refuse_c",
                "UPDATE audit_events SET approval_id = '{C}' WHERE event_type = 'grant_claim'"
                    + " AND approval_id = '{A}';"
                    + RESET_A),
            edit(
                "a consumption invented for C",
                "verify,refuse_c",
                "INSERT INTO consumptions (approval_id, execution_id, consumed_at) VALUES ('{C}',"
                    + " 'x', '2026-11-26T12:00:00.000Z');"),
            edit(
                "B's revocation event deleted and B un-revoked",
                "verify,tampered_claims",
                "DELETE FROM audit_events WHERE approval_id = '{B}' AND event_type ="
                    + " 'grant_revoked'; UPDATE grants SET revoked_at = NULL WHERE approval_id ="
                    + " '{B}'; DELETE FROM revocations WHERE approval_id = '{B}';"),
            // The chain.
            edit(
                "an old event's details edited",
                "verify,runs_c",
                "UPDATE audit_events SET details = json_set(details, '$.reason', 'x') WHERE id = 2;"),
            edit(
                "an event in the middle deleted",
                "verify,runs_c",
                "DELETE FROM audit_events WHERE id = 3;"),
            edit(
                "two events swapped",
                "verify,runs_c",
                "UPDATE audit_events SET id = -1 WHERE id = 2; UPDATE audit_events SET id = 2"
                    + " WHERE id = 3; UPDATE audit_events SET id = 3 WHERE id = -1;"),
            edit(
                "one event's hashes blanked",
                "verify,runs_c",
                "UPDATE audit_events SET prev_hash = NULL, event_hash = NULL WHERE id = 3;"),
            edit("the genesis deleted", "verify,runs_c", "DELETE FROM audit_events WHERE id = 1;"),
            edit(
                "the genesis's record of unchained events changed",
                "verify,runs_c",
                "UPDATE audit_events SET details = json_set(details, '$.unchained_before', 2)"
                    + " WHERE event_type = 'audit_genesis';"),
            // The schema.
            edit("user_version set back to 2", "tampered,verify", "PRAGMA user_version = 2;"),
            edit("user_version set ahead to 99", "newer", "PRAGMA user_version = 99;"),
            edit(
                "grants rebuilt without STRICT",
                "tampered,verify",
                "DROP VIEW grant_status; DROP VIEW request_status;"
                    + " CREATE TABLE g2 AS SELECT * FROM grants;"
                    + " DROP TABLE grants; ALTER TABLE g2 RENAME TO grants;"),
            edit(
                "the grant_status view replaced by one that says pending",
                "tampered,verify",
                "DROP VIEW grant_status; CREATE VIEW grant_status AS SELECT 'pending' AS status,"
                    + " * FROM grants;"),
            edit("the claim's index dropped", "tampered,verify", "DROP INDEX grants_claimable;"),
            edit("an extra view", "tampered,verify", "CREATE VIEW mine AS SELECT 1;"),
            edit("statistics planted with ANALYZE", "tampered,verify", "ANALYZE;"),
            edit(
                "a column added to audit_events",
                "tampered,verify",
                "ALTER TABLE audit_events ADD COLUMN note TEXT;"),
            // The grants.
            edit(
                "A's and C's ids swapped",
                "verify,refuse_c",
                "PRAGMA foreign_keys = OFF; UPDATE grants SET approval_id = 'ffffffffffffffffffffffffffffffff'"
                    + " WHERE approval_id = '{A}'; UPDATE grants SET approval_id = '{A}' WHERE"
                    + " approval_id = '{C}'; UPDATE grants SET approval_id = '{C}' WHERE approval_id"
                    + " = 'ffffffffffffffffffffffffffffffff';"),
            edit(
                "C's task_binding edited",
                "refuse_c",
                "UPDATE grants SET task_binding = json_set(task_binding, '$.timeout_ms', 1) WHERE"
                    + " approval_id = '{C}';"),
            edit(
                "C's expiry pushed to 2099",
                "refuse_c",
                "UPDATE grants SET expires_at = '2099-01-01T00:00:00.000Z' WHERE approval_id ="
                    + " '{C}';"),
            edit(
                "B's grant re-pointed to another task hash and un-revoked",
                "verify,runs_c",
                "UPDATE grants SET revoked_at = NULL, task_hash = 'sha256:00' WHERE approval_id ="
                    + " '{B}'; DELETE FROM revocations WHERE approval_id = '{B}';"))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void noEditMakesAGrantRunTwiceOrARevokedOneRunOrGoesUnnoticed(Case edit) throws Exception {
    if (edit.sql().equals("REWRITE")) {
      rewriteChainWithoutA();
    } else {
      sqlite(
          edit.sql()
              .replace("{A}", a)
              .replace("{B}", b)
              .replace("{C}", c)
              .replace("{A_CLAIM}", String.valueOf(aClaimEvent)));
    }
    for (String used : List.of(a, b)) {
      Cli.Result r = cli.run("exec", manifest, "deploy", "--approval-id", used);
      assertNotEquals(0, r.status(), edit + ": grant " + used + " ran again\n" + r);
    }
    assertEquals(1, runs(), edit + ": A and B never run again");

    Cli.Result verify = cli.run("audit", "verify");
    if (edit.expect().contains("verify") || edit.expect().contains("tampered")) {
      assertEquals(65, verify.status(), edit + ": audit verify names it\n" + verify);
    }
    Cli.Result cRun = cli.run("exec", manifest, "deploy", "--approval-id", c);
    if (edit.expect().contains("tampered") || edit.expect().contains("tampered_claims")) {
      assertEquals("database_tampered", cRun.code(), edit + "\n" + cRun);
    }
    if (edit.expect().contains("newer")) {
      assertEquals("database_newer_than_build", cRun.code(), edit + "\n" + cRun);
    }
    if (edit.expect().contains("runs_c")) {
      assertEquals(0, cRun.status(), edit + ": C is untouched and still runs\n" + cRun);
      assertEquals(2, runs());
    } else {
      assertNotEquals(0, cRun.status(), edit + ": C is not used either\n" + cRun);
      assertEquals(1, runs());
    }
  }

  /**
   * What only an anchor catches: A's events deleted and every later event re-numbered and
   * re-hashed, so the chain is whole again; A set back to pending. (The hashes are computed here;
   * the edit is made with the sqlite3 shell.)
   */
  void rewriteChainWithoutA() throws Exception {
    sqlite(ERASE_A.replace("{A}", a));
    List<AuditEvent> kept = new ArrayList<>();
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + cli.db);
        Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM audit_events ORDER BY id")) {
      while (rs.next()) {
        kept.add(
            new AuditEvent(
                rs.getLong("id"),
                Timestamps.parse(rs.getString("occurred_at")),
                rs.getString("event_type"),
                rs.getString("outcome"),
                rs.getString("code"),
                rs.getString("workflow_id"),
                rs.getString("task_id"),
                rs.getString("task_hash"),
                rs.getString("approval_id"),
                rs.getString("execution_id"),
                rs.getString("actor"),
                Json.parseObject(rs.getString("details")),
                rs.getString("prev_hash"),
                rs.getString("event_hash")));
      }
    }
    StringBuilder sql = new StringBuilder("DELETE FROM audit_events;");
    String prev = AuditChain.GENESIS;
    long id = 0;
    for (AuditEvent e : kept) {
      AuditEvent chained = e.chained(++id, prev);
      prev = chained.eventHash();
      sql.append("INSERT INTO audit_events (id, occurred_at, event_type, outcome, code,")
          .append(" workflow_id, task_id, task_hash, approval_id, execution_id, actor, details,")
          .append(" prev_hash, event_hash) VALUES (")
          .append(chained.id());
      for (Object v :
          new Object[] {
            Timestamps.format(chained.occurredAt()),
            chained.eventType(),
            chained.outcome(),
            chained.code(),
            chained.workflowId(),
            chained.taskId(),
            chained.taskHash(),
            chained.approvalId(),
            chained.executionId(),
            chained.actor(),
            Json.compact(chained.details()),
            chained.prevHash(),
            chained.eventHash()
          }) {
        sql.append(", ").append(v == null ? "NULL" : "'" + v.toString().replace("'", "''") + "'");
      }
      sql.append(");");
    }
    sqlite(sql.toString());
    // Without the anchors file the rewrite is invisible: the chain verifies.
    Path anchors = cli.db.resolveSibling("audit-anchors.ndjson");
    Path aside = cli.db.resolveSibling("aside.ndjson");
    Files.move(anchors, aside);
    assertEquals(0, cli.run("audit", "verify").status(), "a consistent rewrite verifies alone");
    Files.move(aside, anchors);
    assertTrue(Files.exists(anchors));
  }
}
