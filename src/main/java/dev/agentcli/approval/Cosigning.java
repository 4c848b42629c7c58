package dev.agentcli.approval;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.TaskBinding;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Separation of duties: a task with {@code approval.quorum} N runs only once N distinct people (N
 * principals with N keys, each admitted by the task's scope) have signed its grant. The first
 * writes the grant; each further approver adds a co-signature over the same payload.
 */
public final class Cosigning {
  private final Ledger ledger;
  private final GrantCheck check;
  private final GrantSigner signer;
  private final Clock clock;

  public Cosigning(Ledger ledger, GrantCheck check, GrantSigner signer, Clock clock) {
    this.ledger = ledger;
    this.check = check;
    this.signer = signer;
    this.clock = clock;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The distinct people whose approval of {@code grant} counts, its first approver first. */
  public List<String> approvers(Grant grant) {
    return check.approvers(
        grant,
        ledger.grants().cosignatures(grant.approvalId()),
        TaskBinding.approvalRules(grant.taskBinding()),
        now());
  }

  /** Each co-signature of {@code grant}, with why it does not count (empty when it counts). */
  public Map<Cosignature, Optional<String>> review(Grant grant) {
    return check.review(
        grant,
        ledger.grants().cosignatures(grant.approvalId()),
        TaskBinding.approvalRules(grant.taskBinding()),
        now());
  }

  /** How many distinct approvers the task of {@code grant} asks for. */
  public static int quorum(Grant grant) {
    return TaskBinding.approvalRules(grant.taskBinding()).quorum();
  }

  /** Adds {@code cosigner}'s signature to a pending grant whose task asks for a quorum. */
  public Cosignature cosign(ApprovalId id, String cosigner, Optional<Path> key) {
    Principal.of(cosigner, "--by");
    Grant g = pending(id);
    ApprovalRules rules = TaskBinding.approvalRules(g.taskBinding());
    if (rules.quorum() <= 1) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "task "
              + g.workflowId()
              + "/"
              + g.taskId()
              + " needs one approval, which grant "
              + id
              + " already has",
          Map.of("approval_id", id.value()));
    }
    if (!rules.admits(cosigner)) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_SCOPE_MISMATCH,
          "'" + cosigner + "' may not approve this task (approver_scope " + rules.scopeText() + ")",
          Map.of("approver", cosigner, "approver_scope", rules.scopeText()));
    }
    List<Cosignature> existing = ledger.grants().cosignatures(id);
    if (cosigner.equals(g.approver())
        || existing.stream().anyMatch(c -> c.cosigner().equals(cosigner))) {
      throw notDistinct(id, "'" + cosigner + "' has already approved it");
    }
    Grant.Signature s = signer.signature(GrantPayload.of(g), key);
    boolean keyUsed =
        (g.signature() != null && g.signature().keyFingerprint().equals(s.keyFingerprint()))
            || existing.stream()
                .anyMatch(c -> c.signature().keyFingerprint().equals(s.keyFingerprint()));
    if (keyUsed) {
      throw notDistinct(
          id, "the key " + s.keyFingerprint() + " has already signed it, as another principal");
    }
    Instant now = now();
    Verdict v = check.verifySigned(s, GrantPayload.of(g), cosigner, now);
    if (!v.valid()) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_SIGNATURE_INVALID,
          "the approval would not count, nothing was written: " + v.reason(),
          Map.of("key_fingerprint", String.valueOf(v.keyFingerprint())));
    }
    Cosignature c = new Cosignature(id, cosigner, now, s);
    ledger.atomic(
        () -> {
          pending(id);
          ledger.grants().insert(c);
          ledger.audit().append(cosigned(g, c));
        });
    return c;
  }

  private Grant pending(ApprovalId id) {
    Grant g =
        ledger
            .grants()
            .find(id)
            .orElseThrow(
                () ->
                    new AgentCliException(
                        ErrorCode.APPROVAL_NOT_FOUND,
                        "no grant with id " + id,
                        Map.of("approval_id", id.value())));
    GrantStatus status = g.status(now());
    if (status != GrantStatus.PENDING) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_NOT_PENDING,
          "grant " + id + " is " + status.id() + ": it can no longer be approved",
          Map.of("approval_id", id.value(), "status", status.id()));
    }
    return g;
  }

  private static AgentCliException notDistinct(ApprovalId id, String why) {
    return new AgentCliException(
        ErrorCode.QUORUM_NOT_DISTINCT,
        "grant " + id + " needs distinct approvers with distinct keys: " + why,
        Map.of("approval_id", id.value()));
  }

  private static AuditEvent cosigned(Grant g, Cosignature c) {
    return AuditEvent.builder(EventType.APPROVAL_COSIGNED, c.signedAt())
        .task(g.workflowId(), g.taskId(), g.taskHash().value())
        .approvalId(g.approvalId().value())
        .actor(c.cosigner())
        .detail("key_fingerprint", c.signature().keyFingerprint())
        .detail("request_id", g.requestId() == null ? null : g.requestId().value())
        .build();
  }
}
