package dev.agentcli.approval;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The audit events of one task's gate and run, one factory method per event type: each carries the
 * task, its binding's hash and the manifest it came from.
 */
public final class GateEvents {
  private final Subject subject;

  public GateEvents(Subject subject) {
    this.subject = subject;
  }

  public GateEvents(Task task, TaskBinding binding) {
    this(Subject.of(task, binding));
  }

  AuditEvent granted(Instant at, Grant g) {
    AuditEvent.Builder e =
        event(EventType.APPROVAL_GRANTED, at)
            .approvalId(g.approvalId().value())
            .actor(g.approver())
            .detail("expires_at", Timestamps.format(g.expiresAt()))
            .detail("signed", g.signature() != null)
            .detail(
                "key_fingerprint", g.signature() == null ? null : g.signature().keyFingerprint());
    if (g.requestId() != null) {
      e.detail("request_id", g.requestId().value());
    }
    return e.build();
  }

  AuditEvent denied(Instant at, String approver, Refusal why) {
    return event(EventType.APPROVAL_DENIED, at)
        .actor(approver)
        .outcome(Outcome.REFUSED, why.code().id())
        .detail("message", why.message())
        .build();
  }

  AuditEvent claimed(Instant at, Grant used, ExecutionId executionId) {
    AuditEvent.Builder e =
        event(EventType.GRANT_CLAIM, at)
            .executionId(executionId.value())
            .approvalId(used.approvalId().value());
    if (used.uses() > 1) {
      e.detail("use", used.usesTaken()).detail("uses", used.uses());
    }
    return e.build();
  }

  AuditEvent claimRefused(
      Instant at, ExecutionId executionId, Optional<ApprovalId> pinned, Refusal why) {
    AuditEvent.Builder e =
        event(EventType.GRANT_CLAIM, at)
            .executionId(executionId.value())
            .outcome(Outcome.REFUSED, why.code().id())
            .detail("message", why.message());
    pinned.ifPresent(id -> e.approvalId(id.value()));
    Object because = why.details().get("why");
    if (because != null) {
      e.detail("why", because);
    }
    return e.build();
  }

  AuditEvent rejected(Instant at, ExecutionId executionId, ClaimAttempt.Rejection r) {
    return event(EventType.GRANT_REJECTED, at)
        .approvalId(r.grant().approvalId().value())
        .executionId(executionId.value())
        .outcome(Outcome.REFUSED, r.verdict().code().id())
        .detail("rule", r.verdict().rule())
        .detail("reason", r.verdict().reason())
        .detail("key_fingerprint", r.verdict().keyFingerprint())
        .build();
  }

  AuditEvent replayRefused(Instant at, ExecutionId executionId, ClaimAttempt.Replay r) {
    return event(EventType.GRANT_REPLAY_REFUSED, at)
        .approvalId(r.grant().approvalId().value())
        .executionId(executionId.value())
        .outcome(Outcome.REFUSED, ErrorCode.APPROVAL_TAMPERED.id())
        .detail("reason", r.evidence())
        .build();
  }

  /** The run began; {@code approvalId} is null when the task needed no grant. */
  public AuditEvent started(
      Instant at, String approvalId, ExecutionId executionId, Map<String, ?> details) {
    return event(EventType.EXEC_STARTED, at)
        .approvalId(approvalId)
        .executionId(executionId.value())
        .details(details)
        .build();
  }

  /**
   * The run ended: finished (with {@code code} when it failed) or interrupted by a signal.
   *
   * @param code null for a run that finished by itself
   */
  public AuditEvent ended(
      Instant at,
      boolean interrupted,
      String approvalId,
      ExecutionId executionId,
      String code,
      Map<String, ?> details) {
    return event(interrupted ? EventType.EXEC_INTERRUPTED : EventType.EXEC_FINISHED, at)
        .approvalId(approvalId)
        .executionId(executionId.value())
        .outcome(code == null ? Outcome.OK : Outcome.FAILED, code)
        .details(details)
        .build();
  }

  /** A grant withdrawn: recorded without a manifest, since none is read to revoke. */
  static AuditEvent revoked(Grant g) {
    return AuditEvent.builder(EventType.GRANT_REVOKED, g.revocation().revokedAt())
        .task(g.workflowId(), g.taskId(), g.taskHash().value())
        .approvalId(g.approvalId().value())
        .actor(g.revocation().revokedBy())
        .detail("reason", g.revocation().reason())
        .build();
  }

  private AuditEvent.Builder event(EventType type, Instant at) {
    return AuditEvent.builder(type, at)
        .task(subject.workflowId(), subject.taskId(), subject.taskHash().value())
        .detail("manifest", subject.manifest())
        .detail("manifest_sha256", subject.manifestSha256());
  }
}
