package dev.agentcli.approval;

import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AnchorFile;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Policy;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The approval gate: grants approvals, lets tasks claim them, revokes them; audits each decision in
 * the transaction that makes it.
 */
public final class ApprovalService {
  private static final int MAX_REASON_CHARS = 4000;

  private final Ledger ledger;
  private final Clock clock;
  private final Supplier<SecureRandom> random;
  private final GrantCheck check;
  private final ClaimSearch search;
  private final ApprovePolicies policies;
  private final GrantSigning signing;
  private final AnchorFile anchors;

  /**
   * @param anchors where the head is anchored at each approval, claim and revocation
   */
  public ApprovalService(
      Ledger ledger,
      Clock clock,
      Supplier<SecureRandom> random,
      GrantCheck check,
      GrantSigner signer,
      AnchorFile anchors) {
    this.ledger = ledger;
    this.clock = clock;
    this.random = random;
    this.check = check;
    this.search = new ClaimSearch(ledger.grants(), check, anchors);
    this.policies = new ApprovePolicies(check);
    this.signing = new GrantSigning(signer, check);
    this.anchors = anchors;
  }

  /** Now, to the millisecond: the precision every stored time has. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Writes a grant for the request's exact binding once it meets every approve policy, signed
   * unless the approver chose not to. A refusal by the gate is audited and thrown; nothing else is
   * written.
   */
  public Grant approve(ApproveRequest request) {
    return approve(request, Map.of());
  }

  /** As {@link #approve(ApproveRequest)}, keeping with it the values the approver was shown. */
  public Grant approve(ApproveRequest request, Map<String, Object> shown) {
    Approval approval = prepare(request);
    ledger.atomic(() -> record(approval, shown));
    return approval.grant();
  }

  /** A grant checked and signed, with its event, ready to be written in a caller's transaction. */
  public record Approval(Grant grant, AuditEvent event) {}

  /**
   * Checks {@code request} against every approve policy and signs its grant, without writing it
   * (signing may wait for a person, so it happens before any lock is taken). A refusal by the gate
   * is audited and thrown.
   */
  public Approval prepare(ApproveRequest request) {
    Principal.of(request.approver(), "--by");
    if (request.reason() != null && request.reason().length() > MAX_REASON_CHARS) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID, "--reason is longer than " + MAX_REASON_CHARS + " characters");
    }
    GateEvents events = new GateEvents(request.subject());
    Optional<Refusal> broken = policies.firstBroken(request);
    if (broken.isPresent()) {
      throw denied(events, request, broken.get());
    }
    Grant grant = Grant.approving(request, ApprovalId.random(random.get()), now());
    if (request.signer() == SignerChoice.SSH) {
      GrantSigning.Outcome signed = signing.sign(grant, request.signingKey());
      if (signed instanceof GrantSigning.Failed failed) {
        throw denied(events, request, failed.refusal());
      }
      grant = ((GrantSigning.Signed) signed).grant();
    }
    return new Approval(grant, events.granted(now(), grant));
  }

  /**
   * Writes a prepared grant and its {@code approval_granted} event, in the caller's transaction.
   */
  public void record(Approval approval, Map<String, Object> shown) {
    // The head before its event, outside the database: a claim of the grant verifies from there.
    ledger.audit().head(now()).map(h -> h.before(id(approval.grant()))).ifPresent(anchors::offer);
    ledger.grants().insert(approval.grant());
    if (!shown.isEmpty()) {
      ledger.grants().recordShown(approval.grant().approvalId(), shown);
    }
    ledger.audit().append(approval.event());
  }

  /** Audits a refused approval (input mistakes aside) and returns the error to throw. */
  private AgentCliException denied(GateEvents events, ApproveRequest request, Refusal refusal) {
    if (refusal.code().errorType().equals("gate")
        || refusal.code() == ErrorCode.APPROVAL_TTL_TOO_LONG
        || refusal.code() == ErrorCode.APPROVAL_USES_TOO_MANY) {
      ledger.audit().append(events.denied(now(), request.approver(), refusal));
    }
    return refusal.exception();
  }

  /**
   * Lets {@code task} run: consumes a grant for a manual task, refuses an auto-reject task, and
   * needs nothing for the others. A grant is consumed only once it verifies and meets every rule of
   * the task's policy; each grant decision, and each grant refused, is audited with its reason.
   *
   * @param started when present, the {@code exec_started} event's details: it is written in the
   *     claim's own transaction, so that a grant is never consumed without its run's start
   */
  public ClaimResult claim(
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      ExecutionId executionId,
      Optional<Map<String, Object>> started) {
    Policy policy = task.approval().policy();
    if (policy == Policy.AUTO_APPROVE || policy == Policy.NONE) {
      return new ClaimResult.NotRequired(policy);
    }
    GateEvents events = new GateEvents(task, binding);
    if (policy == Policy.AUTO_REJECT) {
      Refusal refusal = RefusalExplainer.autoRejected(task);
      ledger.audit().append(events.claimRefused(now(), executionId, pinned, refusal));
      return new ClaimResult.Refused(refusal);
    }
    ClaimRequest request = request(task, binding, pinned);
    Optional<Anchor> anchor = anchors.latest();
    Read read =
        ledger.atomic(
            () -> {
              // The write lock is held from here: "now" is read after it was taken, so a grant
              // that expired while this process waited for the lock is not used.
              Instant now = now();
              anchor.ifPresent(ledger.audit()::requireAnchored);
              ClaimAttempt attempt = search.firstUsable(request, task.approval(), now);
              if (attempt.claimed().isEmpty()) {
                return new Read(attempt, history(request), now); // nothing written
              }
              Grant used = ledger.grants().consume(attempt.claimed().get(), executionId, now);
              // The decision's audit commits with the consumption, or neither does.
              auditSkipped(events, executionId, attempt, now);
              ledger.audit().append(events.claimed(now, used, executionId));
              started.ifPresent(
                  d -> ledger.audit().append(events.started(now, id(used), executionId, d)));
              return new Read(new ClaimAttempt(Optional.of(used), attempt.rejected(), List.of()));
            });
    if (read.attempt().claimed().isPresent()) {
      anchorHead();
      return new ClaimResult.Claimed(read.attempt().claimed().get(), read.attempt().rejected());
    }
    // Explained after the lock is released, from what the claim read.
    Refusal refusal =
        RefusalExplainer.explain(
            task, binding, request, read.attempt(), read.history(), read.now());
    ledger.atomic(
        () -> {
          auditSkipped(events, executionId, read.attempt(), read.now());
          ledger.audit().append(events.claimRefused(read.now(), executionId, pinned, refusal));
        });
    return new ClaimResult.Refused(refusal);
  }

  /** What a claim read: its attempt, and for a refusal the grants that explain it. */
  private record Read(ClaimAttempt attempt, List<Grant> history, Instant now) {
    Read(ClaimAttempt claimed) {
      this(claimed, List.of(), null);
    }
  }

  /** The grants that explain a refusal: the pinned one, else the task's most recent ones. */
  private List<Grant> history(ClaimRequest request) {
    return request.pinned().isPresent()
        ? ledger.grants().find(request.pinned().get()).stream().toList()
        : ledger
            .grants()
            .recentForTask(request.workflowId(), request.taskId(), RefusalExplainer.NEAREST);
  }

  private void auditSkipped(
      GateEvents events, ExecutionId executionId, ClaimAttempt attempt, Instant now) {
    for (ClaimAttempt.Replay replay : attempt.replayed()) {
      ledger.audit().append(events.replayRefused(now, executionId, replay));
    }
    for (ClaimAttempt.Rejection rejection : attempt.rejected()) {
      ledger.audit().append(events.rejected(now, executionId, rejection));
    }
  }

  /** Records the chain's head outside the database, after a decision that must stay final. */
  private void anchorHead() {
    ledger.audit().head(now()).ifPresent(anchors::append);
  }

  /** What a claim would do now, without consuming anything (for {@code exec --dry-run}). */
  public ClaimAttempt peek(Task task, TaskBinding binding, Optional<ApprovalId> pinned) {
    return search.firstUsable(request(task, binding, pinned), task.approval(), now());
  }

  /**
   * Whether a stored grant would pass exec's check, without consuming it: judged by the approval
   * block of the binding it approves, which is the task's for any grant that matches.
   */
  public Verdict verify(Grant grant) {
    return check.judge(
        grant,
        TaskBinding.approvalRules(grant.taskBinding()),
        now(),
        () -> ledger.grants().cosignatures(grant.approvalId()));
  }

  /** Where the state tables disagree with the decisions the audit trail records (at most 20). */
  public List<String> disagreements() {
    return ledger.grants().disagreements(20);
  }

  /** The grant id {@code idOrPrefix} names: the whole id, or a unique prefix of 8 or more. */
  public ApprovalId resolve(String idOrPrefix) {
    return new ApprovalId(ShortId.APPROVAL.resolve(idOrPrefix, ledger.grants()::idsStartingWith));
  }

  public Grant show(ApprovalId id) {
    return ledger.grants().find(id).orElseThrow(() -> notFound(id));
  }

  /** The grants {@code query} selects, newest first, one at a time. */
  public void forEach(GrantQuery query, Consumer<Grant> sink) {
    ledger.grants().forEach(query, now(), sink);
  }

  /** Revokes a pending or expired grant; a consumed, revoked or unknown one is an error. */
  public Grant revoke(ApprovalId id, String revokedBy, String reason) {
    if (revokedBy != null) {
      Principal.of(revokedBy, "--by");
    }
    Grant revoked =
        ledger.atomic(
            () -> {
              Grant g = show(id);
              if (g.revocation() != null) {
                throw new AgentCliException(
                    ErrorCode.APPROVAL_ALREADY_REVOKED,
                    "grant " + id + " is already revoked",
                    Map.of("approval_id", id.value()));
              }
              if (g.consumption() != null) {
                throw new AgentCliException(
                    ErrorCode.APPROVAL_ALREADY_CONSUMED,
                    "grant " + id + " was already used; a consumed grant cannot be revoked",
                    Map.of("approval_id", id.value()));
              }
              Grant r = ledger.grants().revoke(g, revokedBy, reason, now());
              ledger.audit().append(GateEvents.revoked(r));
              return r;
            });
    anchorHead();
    return revoked;
  }

  private static ClaimRequest request(Task task, TaskBinding binding, Optional<ApprovalId> pinned) {
    return new ClaimRequest(task.workflowId(), task.id(), binding.taskHash(), pinned);
  }

  private static String id(Grant g) {
    return g.approvalId().value();
  }

  private static AgentCliException notFound(ApprovalId id) {
    return new AgentCliException(
        ErrorCode.APPROVAL_NOT_FOUND, "no grant with id " + id, Map.of("approval_id", id.value()));
  }
}
