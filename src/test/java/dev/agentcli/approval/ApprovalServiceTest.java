package dev.agentcli.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.TestClock;
import dev.agentcli.TestGrants;
import dev.agentcli.TestManifest;
import dev.agentcli.audit.AnchorFile;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcLedger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's decisions, in-process on a real SQLite file with a clock the test moves: approve,
 * claim, revoke, and what each writes and audits. Grants here are unsigned by choice (the task
 * allows it, the operator permits it); signatures are SigningIT's.
 */
class ApprovalServiceTest {
  static final Instant T0 = TestClock.T0;

  @TempDir Path dir;
  final TestClock clock = TestClock.at(T0);
  Database db;
  JdbcLedger ledger;
  ApprovalService service;
  Task task;
  TaskBinding binding;

  @BeforeEach
  void open() {
    db = Database.open(dir.resolve("agentcli.db"), Duration.ofSeconds(5));
    ledger = new JdbcLedger(db);
    service = service(clock);
    task =
        TestManifest.task("deploy")
            .approval("{\"policy\": \"manual\", \"signature\": \"optional\", \"timeout_s\": 600}")
            .parse(dir);
    binding = TestManifest.bind(task, dir);
  }

  ApprovalService service(java.time.Clock c) {
    GrantVerifier nobodyTrusted =
        new GrantVerifier(() -> AllowedSigners.parse("", "test"), GrantVerifierIT.NO_PASSKEYS);
    return new ApprovalService(
        ledger,
        c,
        SecureRandom::new,
        new GrantCheck(nobodyTrusted, true),
        (message, key, namespace) -> {
          throw new AssertionError("these tests never sign");
        },
        new AnchorFile(dir.resolve("audit-anchors.ndjson")));
  }

  @AfterEach
  void close() {
    db.close();
  }

  Grant approve(Duration ttl) {
    return service.approve(
        new ApproveRequest(
            Subject.of(task, binding),
            "alice",
            "because",
            Optional.of(ttl),
            SignerChoice.NONE,
            Optional.empty(),
            Optional.empty()));
  }

  ClaimResult claim(Optional<ApprovalId> pinned) {
    return service.claim(task, binding, pinned, new ExecutionId("exec-1"), Optional.empty());
  }

  Grant claimed(ClaimResult r) {
    return assertInstanceOf(ClaimResult.Claimed.class, r, r.toString()).grant();
  }

  Refusal refused(ClaimResult r) {
    return assertInstanceOf(ClaimResult.Refused.class, r, r.toString()).refusal();
  }

  List<AuditEvent> events(String approvalId) {
    List<AuditEvent> events = new ArrayList<>();
    ledger
        .audit()
        .forEach(
            new AuditQuery(
                0, Optional.empty(), Optional.empty(), Optional.of(approvalId), Optional.empty()),
            events::add);
    return events;
  }

  @Test
  void aClaimConsumesOnceAndItsAuditIsWrittenWithIt() {
    Grant g = approve(Duration.ofMinutes(5));
    clock.advance(Duration.ofSeconds(1));
    Grant used = claimed(claim(Optional.empty()));
    assertEquals(g.approvalId(), used.approvalId());
    assertEquals(new Grant.Consumption("exec-1", T0.plusSeconds(1)), used.consumption());
    assertEquals(used, ledger.grants().find(g.approvalId()).orElseThrow());
    assertEquals(
        List.of("approval_granted", "grant_claim"),
        events(g.approvalId().value()).stream().map(AuditEvent::eventType).toList());

    Refusal again = refused(claim(Optional.empty()));
    assertEquals(ErrorCode.APPROVAL_REQUIRED, again.code());
    assertTrue(
        again.message().contains("is consumed, at 2026-11-26T12:00:01.000Z by execution exec-1"),
        again.message());
  }

  @Test
  void aClaimTakesTheOldestLiveGrantAndSkipsExpiredOnes() {
    Grant expired = approve(Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(1));
    Grant older = approve(Duration.ofMinutes(5));
    clock.advance(Duration.ofSeconds(1));
    Grant newer = approve(Duration.ofMinutes(5));
    clock.set(T0.plusSeconds(10));
    assertEquals(older.approvalId(), claimed(claim(Optional.empty())).approvalId());
    assertEquals(newer.approvalId(), claimed(claim(Optional.empty())).approvalId());
    assertEquals(ErrorCode.APPROVAL_REQUIRED, refused(claim(Optional.empty())).code());
    assertEquals(
        GrantStatus.EXPIRED,
        ledger.grants().find(expired.approvalId()).orElseThrow().status(clock.instant()));
  }

  @Test
  void aPinnedClaimTakesOnlyThatGrant() {
    approve(Duration.ofMinutes(5));
    clock.advance(Duration.ofSeconds(1));
    Grant newer = approve(Duration.ofMinutes(5));
    assertEquals(newer.approvalId(), claimed(claim(Optional.of(newer.approvalId()))).approvalId());
    Refusal again = refused(claim(Optional.of(newer.approvalId())));
    assertEquals("it is consumed", again.details().get("why"));
  }

  @Test
  void aClaimReadsTheClockWhileHoldingTheWriteLock() {
    approve(Duration.ofMinutes(5));
    List<String> seen = new ArrayList<>();
    TestClock probing =
        TestClock.reading(
            () -> {
              // Another writer must be shut out at the moment the claim reads "now".
              try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db.file())) {
                other.createStatement().execute("PRAGMA busy_timeout = 0");
                other.createStatement().execute("BEGIN IMMEDIATE");
                seen.add("lock was free");
              } catch (SQLException e) {
                seen.add("locked");
              }
              return T0;
            });
    claimed(
        service(probing)
            .claim(task, binding, Optional.empty(), new ExecutionId("x"), Optional.empty()));
    assertEquals("locked", seen.get(0), "the claim's first reading of the clock: " + seen);
  }

  @Test
  void aGrantThatFailsItsCheckIsSkippedAuditedAndLeftPending() {
    Grant approved = approve(Duration.ofMinutes(5));
    Grant forged = unsignedByAccident(approved);
    ledger.grants().insert(forged);
    clock.advance(Duration.ofSeconds(1));
    Grant valid = approve(Duration.ofMinutes(5));

    ClaimResult.Claimed first =
        assertInstanceOf(ClaimResult.Claimed.class, claim(Optional.empty()));
    assertEquals(approved.approvalId(), first.grant().approvalId());
    clock.advance(Duration.ofSeconds(1));
    ClaimResult.Claimed second =
        assertInstanceOf(ClaimResult.Claimed.class, claim(Optional.empty()));
    assertEquals(valid.approvalId(), second.grant().approvalId());
    assertEquals(
        List.of(forged.approvalId()),
        second.rejected().stream().map(r -> r.grant().approvalId()).toList());
    assertEquals("the grant has no signature", second.rejected().get(0).verdict().reason());
    assertEquals(
        GrantStatus.PENDING,
        ledger.grants().find(forged.approvalId()).orElseThrow().status(clock.instant()));

    Refusal none = refused(claim(Optional.empty()));
    assertEquals(ErrorCode.APPROVAL_SIGNATURE_INVALID, none.code());
    assertEquals(
        List.of("grant_rejected", "grant_rejected"),
        events(forged.approvalId().value()).stream().map(AuditEvent::eventType).toList());
  }

  /** {@code g} as another grant that claims to be signed but carries no signature. */
  static Grant unsignedByAccident(Grant g) {
    return TestGrants.with(
        g,
        Map.of(
            "approval_id",
            ApprovalId.random(new SecureRandom()).value(),
            "unsigned_explicit",
            false));
  }

  @Test
  void revokeDecidesByTheGrantsStateAndAuditsInTheSameTransaction() {
    Grant pending = approve(Duration.ofMinutes(5));
    Grant revoked = service.revoke(pending.approvalId(), "sec", "why");
    assertEquals(new Grant.Revocation("sec", "why", T0), revoked.revocation());
    assertEquals(
        "grant_revoked", events(pending.approvalId().value()).get(1).eventType(), "audited");
    assertEquals(
        ErrorCode.APPROVAL_ALREADY_REVOKED,
        assertThrows(AgentCliException.class, () -> service.revoke(pending.approvalId(), "s", "w"))
            .code());
    Grant used = approve(Duration.ofMinutes(5));
    claimed(claim(Optional.empty()));
    assertEquals(
        ErrorCode.APPROVAL_ALREADY_CONSUMED,
        assertThrows(AgentCliException.class, () -> service.revoke(used.approvalId(), null, null))
            .code());
    assertEquals(
        ErrorCode.APPROVAL_NOT_FOUND,
        assertThrows(
                AgentCliException.class,
                () -> service.revoke(ApprovalId.random(new SecureRandom()), null, null))
            .code());
    assertNull(ledger.grants().find(used.approvalId()).orElseThrow().revocation());
  }

  @Test
  void aRefusedApprovalIsAuditedAndWritesNoGrant() {
    AgentCliException e =
        assertThrows(AgentCliException.class, () -> approve(Duration.ofMinutes(11)));
    assertEquals(ErrorCode.APPROVAL_TTL_TOO_LONG, e.code());
    assertEquals(Map.of("max_ttl_s", 600L, "requested_ttl_s", 660L), e.details());
    List<AuditEvent> all = new ArrayList<>();
    ledger
        .audit()
        .forEach(
            new AuditQuery(
                0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
            all::add);
    assertEquals("approval_denied", all.get(all.size() - 1).eventType());
    assertEquals("approval_ttl_too_long", all.get(all.size() - 1).code());
    assertEquals(
        List.of(),
        ledger.grants().recentForTask(task.workflowId(), task.id(), 5),
        "nothing but the audit event is written");
  }
}
