package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.TestGrants;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.ExecutionId;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.GrantStatus;
import dev.agentcli.manifest.TaskHash;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite adapter of the approval store, on a real database file: what it selects, records and
 * refuses. (The claim's decisions are the service's: ApprovalServiceTest.)
 */
class JdbcApprovalStoreTest {
  static final Instant T0 = dev.agentcli.TestClock.T0;
  static final String HASH = TestGrants.HASH;
  static final ExecutionId EXEC = new ExecutionId("exec-1");

  @TempDir Path dir;
  Database db;
  JdbcLedger ledger;
  JdbcApprovalStore store;

  @BeforeEach
  void open() {
    db = Database.open(dir.resolve("agentcli.db"), Duration.ofSeconds(5));
    ledger = new JdbcLedger(db);
    store = (JdbcApprovalStore) ledger.grants();
  }

  @AfterEach
  void close() {
    db.close();
  }

  Grant grant(Instant grantedAt, Duration ttl, String taskHash) {
    return TestGrants.with(TestGrants.pending(grantedAt, ttl), "task_hash", taskHash);
  }

  ClaimRequest request(Optional<ApprovalId> pinned) {
    return new ClaimRequest("wf", "task", new TaskHash(HASH), pinned);
  }

  /** The ids {@code claimable} yields at {@code now}, in its order. */
  List<ApprovalId> claimable(Optional<ApprovalId> pinned, Instant now) {
    try (Stream<Grant> grants = store.claimable(request(pinned), now)) {
      return grants.map(Grant::approvalId).toList();
    }
  }

  @Test
  void consumeRecordsTheUseOnceAndTheGrantIsNoLongerClaimable() {
    Grant g = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(g);
    Grant claimed = ledger.atomic(() -> store.consume(g, EXEC, T0.plusSeconds(1)));
    assertEquals(g.approvalId(), claimed.approvalId());
    assertEquals("exec-1", claimed.consumption().executionId());
    assertEquals(T0.plusSeconds(1), claimed.consumption().consumedAt());
    assertEquals(GrantStatus.CONSUMED, claimed.status(T0.plusSeconds(1)));
    assertEquals(claimed, store.find(g.approvalId()).orElseThrow());
    assertEquals(List.of(), claimable(Optional.empty(), T0.plusSeconds(2)));
    assertThrows(
        dev.agentcli.error.AgentCliException.class,
        () -> store.consume(g, new ExecutionId("exec-2"), T0.plusSeconds(2)),
        "a second use breaks the consumptions table's key");
  }

  @Test
  void claimableIgnoresGrantsOfAnotherBinding() {
    store.insert(grant(T0, Duration.ofMinutes(5), "sha256:" + "cd".repeat(32)));
    assertEquals(List.of(), claimable(Optional.empty(), T0));
  }

  @Test
  void claimableSkipsExpiredGrantsAndListsTheLiveOnesOldestFirst() {
    Grant expired = grant(T0, Duration.ofSeconds(10), HASH);
    Grant older = grant(T0.plusSeconds(1), Duration.ofMinutes(5), HASH);
    Grant newer = grant(T0.plusSeconds(2), Duration.ofMinutes(5), HASH);
    store.insert(newer);
    store.insert(expired);
    store.insert(older);
    Instant later = T0.plusSeconds(10);
    assertEquals(
        List.of(older.approvalId(), newer.approvalId()), claimable(Optional.empty(), later));
    assertEquals(GrantStatus.EXPIRED, store.find(expired.approvalId()).orElseThrow().status(later));
  }

  @Test
  void pinnedClaimableIsOnlyThatGrant() {
    Grant older = grant(T0, Duration.ofMinutes(5), HASH);
    Grant newer = grant(T0.plusSeconds(1), Duration.ofMinutes(5), HASH);
    store.insert(older);
    store.insert(newer);
    assertEquals(List.of(newer.approvalId()), claimable(Optional.of(newer.approvalId()), T0));
    ledger.atomic(() -> store.consume(newer, EXEC, T0));
    assertEquals(List.of(), claimable(Optional.of(newer.approvalId()), T0));
  }

  @Test
  void aGrantDatedTooFarAheadIsNotClaimableUntilTheClockCatchesUp() {
    Grant ahead = grant(T0.plus(Duration.ofMinutes(6)), Duration.ofMinutes(5), HASH);
    store.insert(ahead);
    assertEquals(List.of(), claimable(Optional.empty(), T0));
    assertEquals(
        List.of(ahead.approvalId()), claimable(Optional.empty(), T0.plus(Duration.ofMinutes(2))));
  }

  @Test
  void claimQueryUsesThePartialIndexOfLiveGrants() throws Exception {
    for (boolean pinned : new boolean[] {false, true}) {
      String plan =
          db.read(
              c -> {
                StringBuilder sb = new StringBuilder();
                try (ResultSet rs =
                    c.createStatement()
                        .executeQuery(
                            "EXPLAIN QUERY PLAN "
                                + GrantRows.claimableSql(pinned, db.dialect())
                                    .replace("?", "'x'"))) {
                  while (rs.next()) {
                    sb.append(rs.getString("detail")).append('\n');
                  }
                }
                return sb.toString();
              });
      assertTrue(
          pinned
              ? plan.contains("SEARCH g USING")
              : plan.contains(
                  "SEARCH g USING INDEX grants_claimable (workflow_id=? AND task_id=? AND"
                      + " task_hash=? AND expires_at>?)"),
          "plan: " + plan);
      assertTrue(
          !plan.contains("SCAN g\n") && !plan.contains("SCAN grants"), "no full scan: " + plan);
    }
  }

  @Test
  void revokeRecordsWhoWhyAndWhen() {
    Grant g = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(g);
    Grant revoked = store.revoke(g, "sec", "why", T0.plusSeconds(3));
    assertEquals(new Grant.Revocation("sec", "why", T0.plusSeconds(3)), revoked.revocation());
    assertEquals(GrantStatus.REVOKED, store.find(g.approvalId()).orElseThrow().status(T0));
    assertEquals(List.of(), claimable(Optional.empty(), T0));
  }

  @Test
  void listFiltersByStatusAgainstTheGivenNow() {
    Grant g = grant(T0, Duration.ofSeconds(10), HASH);
    store.insert(g);
    GrantQuery pending =
        new GrantQuery(Optional.of(GrantStatus.PENDING), Optional.empty(), Optional.empty(), 10);
    GrantQuery expired =
        new GrantQuery(Optional.of(GrantStatus.EXPIRED), Optional.empty(), Optional.empty(), 10);
    assertEquals(1, store.list(pending, T0.plusSeconds(9)).size());
    assertEquals(0, store.list(expired, T0.plusSeconds(9)).size());
    assertEquals(0, store.list(pending, T0.plusSeconds(10)).size());
    assertEquals(1, store.list(expired, T0.plusSeconds(10)).size());
  }

  @Test
  void schemaRefusesMalformedTimesAndDoubleConsumption() {
    Grant g = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(g);
    assertThrows(
        dev.agentcli.error.AgentCliException.class,
        () ->
            db.inTransaction(
                c ->
                    c.createStatement()
                        .executeUpdate(
                            "UPDATE grants SET expires_at = 'tomorrow' WHERE approval_id = '"
                                + g.approvalId()
                                + "'")));
    ledger.atomic(() -> store.consume(g, EXEC, T0));
    assertThrows(
        dev.agentcli.error.AgentCliException.class,
        () ->
            db.inTransaction(
                c ->
                    c.createStatement()
                        .executeUpdate(
                            "INSERT INTO consumptions (approval_id, execution_id, consumed_at) VALUES ('"
                                + g.approvalId()
                                + "', 'again', '2026-11-26T12:00:01.000Z')")));
  }

  @Test
  void aRevocationWhoseAuditEventCannotBeWrittenIsRolledBack() {
    Grant g = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(g);
    assertThrows(
        IllegalStateException.class,
        () ->
            ledger.atomic(
                () -> {
                  store.revoke(g, "ops", "test", T0);
                  throw new IllegalStateException("the audit event could not be written");
                }));
    assertNull(
        store.find(g.approvalId()).orElseThrow().revocation(),
        "a revocation commits with its audit event or not at all");
  }
}
