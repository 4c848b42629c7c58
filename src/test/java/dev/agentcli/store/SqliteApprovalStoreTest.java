package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.GrantStatus;
import dev.agentcli.approval.RevokeOutcome;
import dev.agentcli.approval.Verdict;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite adapter of the approval store, on a real database file. */
class SqliteApprovalStoreTest {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00.000Z");
  static final String HASH = "sha256:" + "ab".repeat(32);

  static final ClaimAttempt.Check ACCEPT = g -> new Verdict(true, "accepted in test", null, null);

  @TempDir Path dir;
  Database db;
  SqliteApprovalStore store;
  final SecureRandom random = new SecureRandom();

  @BeforeEach
  void open() {
    db = Database.open(dir.resolve("agentcli.db"), Duration.ofSeconds(5));
    store = new SqliteApprovalStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  Grant grant(Instant grantedAt, Duration ttl, String taskHash) {
    return new Grant(
        ApprovalId.random(random),
        Grant.RECORD_VERSION,
        "wf",
        "task",
        taskHash,
        "{}",
        "high",
        null,
        "alice",
        "because",
        grantedAt,
        grantedAt.plus(ttl),
        true,
        null,
        null,
        null);
  }

  ClaimRequest request(Optional<ApprovalId> pinned) {
    return new ClaimRequest("wf", "task", HASH, pinned, "exec-1");
  }

  static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  @Test
  void claimConsumesOnceAndRecordsTheConsumption() {
    Grant g = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(g);
    Grant claimed =
        store
            .claim(request(Optional.empty()), at(T0.plusSeconds(1)), ACCEPT)
            .claimed()
            .orElseThrow();
    assertEquals(g.approvalId(), claimed.approvalId());
    assertEquals("exec-1", claimed.consumption().executionId());
    assertEquals(T0.plusSeconds(1), claimed.consumption().consumedAt());
    assertEquals(GrantStatus.CONSUMED, claimed.status(T0.plusSeconds(1)));
    assertTrue(
        store.claim(request(Optional.empty()), at(T0.plusSeconds(2)), ACCEPT).claimed().isEmpty());
  }

  @Test
  void claimIgnoresGrantsOfAnotherBinding() {
    store.insert(grant(T0, Duration.ofMinutes(5), "sha256:" + "cd".repeat(32)));
    assertTrue(store.claim(request(Optional.empty()), at(T0), ACCEPT).claimed().isEmpty());
  }

  @Test
  void claimSkipsExpiredGrantsAndTakesTheOldestLiveOne() {
    Grant expired = grant(T0, Duration.ofSeconds(10), HASH);
    Grant older = grant(T0.plusSeconds(1), Duration.ofMinutes(5), HASH);
    Grant newer = grant(T0.plusSeconds(2), Duration.ofMinutes(5), HASH);
    store.insert(newer);
    store.insert(expired);
    store.insert(older);
    Clock later = at(T0.plusSeconds(10));
    assertEquals(
        older.approvalId(),
        store.claim(request(Optional.empty()), later, ACCEPT).claimed().orElseThrow().approvalId());
    assertEquals(
        newer.approvalId(),
        store.claim(request(Optional.empty()), later, ACCEPT).claimed().orElseThrow().approvalId());
    assertTrue(store.claim(request(Optional.empty()), later, ACCEPT).claimed().isEmpty());
    assertEquals(
        GrantStatus.EXPIRED,
        store.find(expired.approvalId()).orElseThrow().status(T0.plusSeconds(10)));
  }

  @Test
  void pinnedClaimTakesOnlyThatGrant() {
    Grant older = grant(T0, Duration.ofMinutes(5), HASH);
    Grant newer = grant(T0.plusSeconds(1), Duration.ofMinutes(5), HASH);
    store.insert(older);
    store.insert(newer);
    assertEquals(
        newer.approvalId(),
        store
            .claim(request(Optional.of(newer.approvalId())), at(T0), ACCEPT)
            .claimed()
            .orElseThrow()
            .approvalId());
    assertTrue(
        store.claim(request(Optional.of(newer.approvalId())), at(T0), ACCEPT).claimed().isEmpty());
  }

  @Test
  void claimReadsTheClockWhileHoldingTheWriteLock() {
    store.insert(grant(T0, Duration.ofMinutes(5), HASH));
    List<String> seen = new ArrayList<>();
    Clock probing =
        new Clock() {
          @Override
          public Instant instant() {
            // Another writer must be shut out at the moment the claim reads "now".
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db.file())) {
              other.createStatement().execute("PRAGMA busy_timeout = 0");
              other.createStatement().execute("BEGIN IMMEDIATE");
              seen.add("lock was free");
            } catch (SQLException e) {
              seen.add("locked");
            }
            return T0;
          }

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }
        };
    assertTrue(store.claim(request(Optional.empty()), probing, ACCEPT).claimed().isPresent());
    assertEquals(List.of("locked"), seen);
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
                                + SqliteApprovalStore.claimableSql(pinned).replace("?", "'x'"))) {
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
  void grantThatFailsTheCheckIsSkippedReportedAndLeftPending() {
    Grant forged = grant(T0, Duration.ofMinutes(5), HASH);
    Grant valid = grant(T0.plusSeconds(1), Duration.ofMinutes(5), HASH);
    store.insert(forged);
    store.insert(valid);
    ClaimAttempt.Check onlyValid =
        g ->
            new Verdict(
                g.approvalId().equals(valid.approvalId()), "forged in test", null, "signature");
    ClaimAttempt attempt = store.claim(request(Optional.empty()), at(T0), onlyValid);
    assertEquals(valid.approvalId(), attempt.claimed().orElseThrow().approvalId());
    assertEquals(1, attempt.rejected().size());
    assertEquals(forged.approvalId(), attempt.rejected().get(0).grant().approvalId());
    assertEquals(GrantStatus.PENDING, store.find(forged.approvalId()).orElseThrow().status(T0));

    ClaimAttempt none = store.claim(request(Optional.empty()), at(T0), onlyValid);
    assertTrue(none.claimed().isEmpty());
    assertEquals(1, none.rejected().size());
  }

  @Test
  void revokeDecidesByTheGrantsState() {
    Grant pending = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(pending);
    assertEquals(RevokeOutcome.REVOKED, store.revoke(pending.approvalId(), "sec", "why", at(T0)));
    assertEquals(
        RevokeOutcome.ALREADY_REVOKED, store.revoke(pending.approvalId(), "sec", "why", at(T0)));
    Grant used = grant(T0, Duration.ofMinutes(5), HASH);
    store.insert(used);
    store.claim(request(Optional.empty()), at(T0), ACCEPT).claimed();
    assertEquals(
        RevokeOutcome.ALREADY_CONSUMED, store.revoke(used.approvalId(), null, null, at(T0)));
    assertEquals(
        RevokeOutcome.NOT_FOUND, store.revoke(ApprovalId.random(random), null, null, at(T0)));
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
    store.claim(request(Optional.empty()), at(T0), ACCEPT).claimed();
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
            store.revoke(
                g.approvalId(),
                "ops",
                "test",
                at(T0),
                revoked -> {
                  throw new IllegalStateException("the audit event could not be written");
                }));
    assertNull(
        store.find(g.approvalId()).orElseThrow().revocation(),
        "a revocation commits with its audit event or not at all");
  }
}
