package dev.agentcli.approval;

import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AnchorFile;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.BindingDiff;
import dev.agentcli.manifest.Policy;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.signing.SshKeygenSigner;
import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The approval gate: grants approvals, lets tasks claim them, revokes them; audits each decision.
 */
public final class ApprovalService {
  private static final Pattern PRINCIPAL = Pattern.compile("[^\\s\\p{Cntrl}]{1,200}");
  private static final int MAX_REASON_CHARS = 4000;

  private final ApprovalStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<SecureRandom> random;
  private final GrantVerifier verifier;
  private final SshKeygenSigner signer;
  private final boolean unsignedPermitted;
  private final AnchorFile anchors;

  /**
   * @param unsignedPermitted whether grants unsigned by choice may ever be used (the operator's
   *     say); where they may, a task must still allow them ({@code "signature": "optional"})
   * @param anchors where the chain's head is anchored after each claim and revocation, and whose
   *     newest anchor each claim checks first
   */
  public ApprovalService(
      ApprovalStore store,
      AuditLog audit,
      Clock clock,
      Supplier<SecureRandom> random,
      GrantVerifier verifier,
      SshKeygenSigner signer,
      boolean unsignedPermitted,
      AnchorFile anchors) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.random = random;
    this.verifier = verifier;
    this.signer = signer;
    this.unsignedPermitted = unsignedPermitted;
    this.anchors = anchors;
  }

  /** Now, to the millisecond: the precision every stored time has. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Writes a grant for the request's exact binding, after the policy, scope and lifetime checks. A
   * refusal is audited and thrown; nothing is written but the audit event.
   */
  public Grant approve(ApproveRequest request) {
    Task task = request.task();
    ApprovalRules rules = task.approval();
    String approver = request.approver();
    try {
      checkPrincipal(approver, "--by");
      if (request.reason() != null && request.reason().length() > MAX_REASON_CHARS) {
        throw new AgentCliException(
            ErrorCode.INPUT_INVALID, "--reason is longer than " + MAX_REASON_CHARS + " characters");
      }
      if (rules.policy() != Policy.MANUAL) {
        String why =
            rules.policy() == Policy.AUTO_REJECT
                ? "its policy is auto-reject: it never runs, and no grant can override that"
                : "its policy is " + rules.policy().id() + ": it runs without approval";
        throw new AgentCliException(
            ErrorCode.POLICY_FORBIDS_APPROVAL,
            "task " + task.qualifiedId() + " cannot be approved: " + why,
            Map.of("policy", rules.policy().id()));
      }
      if (!rules.admits(approver)) {
        throw new AgentCliException(
            ErrorCode.APPROVAL_SCOPE_MISMATCH,
            "'"
                + approver
                + "' may not approve task "
                + task.qualifiedId()
                + " (approver_scope "
                + rules.scopeText()
                + ")",
            Map.of("approver", approver, "approver_scope", rules.scopeText()));
      }
      if (request.signer() == SignerChoice.NONE && !unsignedUsable(rules)) {
        throw new AgentCliException(
            ErrorCode.APPROVAL_SIGNATURE_INVALID,
            "task "
                + task.qualifiedId()
                + " needs a signed grant ("
                + (rules.unsignedAllowed()
                    ? "the operator configuration does not allow unsigned grants"
                    : "its approval.signature is required")
                + "): an unsigned grant would never be used, so none was written",
            Map.of("hint", "sign it: leave out --signer none"));
      }
      Duration max = Duration.ofSeconds(rules.timeoutS());
      Duration ttl = request.ttl().orElse(max);
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new AgentCliException(
            ErrorCode.INPUT_INVALID, "the grant's lifetime must be at least 1s");
      }
      if (ttl.compareTo(max) > 0) {
        throw new AgentCliException(
            ErrorCode.APPROVAL_TTL_TOO_LONG,
            "a grant for "
                + task.qualifiedId()
                + " may live at most "
                + rules.timeoutS()
                + "s (approval.timeout_s), not "
                + ttl.toSeconds()
                + "s",
            Map.of("max_ttl_s", rules.timeoutS(), "requested_ttl_s", ttl.toSeconds()));
      }
      Instant grantedAt = now();
      Grant grant =
          new Grant(
              ApprovalId.random(random.get()),
              Grant.RECORD_VERSION,
              task.workflowId(),
              task.id(),
              request.binding().taskHash(),
              request.binding().json(),
              rules.riskLevel(),
              rules.approverScope().isEmpty() ? null : rules.scopeText(),
              approver,
              request.reason(),
              grantedAt,
              grantedAt.plus(ttl),
              request.signer() == SignerChoice.NONE,
              null,
              null,
              null);
      if (request.signer() == SignerChoice.SSH) {
        grant = signed(grant, request.signingKey());
      }
      Grant written = grant;
      // The grant and its approval event commit together.
      store.insert(
          written,
          () ->
              audit.append(
                  event("approval_granted", task, request.binding())
                      .approvalId(written.approvalId().value())
                      .actor(approver)
                      .detail("expires_at", Timestamps.format(written.expiresAt()))
                      .detail("signed", written.signature() != null)
                      .detail(
                          "key_fingerprint",
                          written.signature() == null ? null : written.signature().keyFingerprint())
                      .build()));
      return written;
    } catch (AgentCliException e) {
      if (e.code().errorType().equals("gate") || e.code() == ErrorCode.APPROVAL_TTL_TOO_LONG) {
        audit.append(
            event("approval_denied", task, request.binding())
                .actor(approver)
                .outcome("refused", e.code().id())
                .detail("message", e.getMessage())
                .build());
      }
      throw e;
    }
  }

  /**
   * Signs {@code grant} with the approver's SSH key and checks that the trust store will accept it,
   * so that an approval never succeeds that exec would refuse.
   */
  private Grant signed(Grant grant, Optional<Path> key) {
    Path keyFile =
        key.orElseThrow(
            () ->
                new AgentCliException(
                    ErrorCode.APPROVAL_SIGNATURE_INVALID,
                    "no SSH key to sign with: pass --signing-key, set AGENTCLI_SIGNING_KEY, or create"
                        + " ~/.ssh/id_ed25519 (--signer none writes an explicitly unsigned grant)"));
    String payload = GrantPayload.of(grant);
    String armored =
        signer.sign(payload.getBytes(StandardCharsets.UTF_8), keyFile, GrantPayload.NAMESPACE);
    String fingerprint = SshSignature.parseArmored(armored).publicKey().fingerprint();
    Grant signed =
        grant.withSignature(
            new Grant.Signature(
                GrantVerifier.METHOD, fingerprint, GrantPayload.NAMESPACE, payload, armored));
    Verdict verdict = verifier.verify(signed, false, grant.grantedAt());
    if (!verdict.valid()) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_SIGNATURE_INVALID,
          "the grant would not verify, nothing was written: " + verdict.reason(),
          Map.of(
              "key_fingerprint",
              fingerprint,
              "hint",
              "trust the key with: agentcli signers add "
                  + grant.approver()
                  + " <public-key-file>"));
    }
    return signed;
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
      String executionId,
      Optional<Map<String, Object>> started) {
    Policy policy = task.approval().policy();
    if (policy == Policy.AUTO_APPROVE || policy == Policy.NONE) {
      return new ClaimResult.NotRequired(policy);
    }
    if (policy == Policy.AUTO_REJECT) {
      ClaimResult refused =
          new ClaimResult.Refused(
              ErrorCode.APPROVAL_AUTO_REJECTED,
              "task " + task.qualifiedId() + " is auto-reject: it never runs",
              Map.of("policy", policy.id()));
      audit.append(claimEvent(task, binding, pinned, executionId, refused));
      return refused;
    }
    ClaimRequest request = request(task, binding, pinned, executionId, anchors.latest());
    List<ClaimResult> decided = new ArrayList<>(1);
    store.claim(
        request,
        clock,
        check(task.approval()),
        attempt -> {
          // Inside the claim's transaction: the audit of this decision commits with it.
          ClaimResult r =
              attempt.claimed().isPresent()
                  ? new ClaimResult.Claimed(attempt.claimed().get(), attempt.rejected())
                  : noGrant(task, binding, request, attempt);
          for (ClaimAttempt.Replay replay : attempt.replayed()) {
            audit.append(
                event("grant_replay_refused", task, binding)
                    .approvalId(replay.grant().approvalId().value())
                    .executionId(executionId)
                    .outcome("refused", ErrorCode.APPROVAL_TAMPERED.id())
                    .detail("reason", replay.evidence())
                    .build());
          }
          for (ClaimAttempt.Rejection rejection : attempt.rejected()) {
            audit.append(
                event("grant_rejected", task, binding)
                    .approvalId(rejection.grant().approvalId().value())
                    .executionId(executionId)
                    .outcome("refused", rejection.verdict().code().id())
                    .detail("rule", rejection.verdict().rule())
                    .detail("reason", rejection.verdict().reason())
                    .detail("key_fingerprint", rejection.verdict().keyFingerprint())
                    .build());
          }
          audit.append(claimEvent(task, binding, pinned, executionId, r));
          if (r instanceof ClaimResult.Claimed claimed && started.isPresent()) {
            audit.append(
                event("exec_started", task, binding)
                    .approvalId(claimed.grant().approvalId().value())
                    .executionId(executionId)
                    .details(started.get())
                    .build());
          }
          decided.add(r);
        });
    if (decided.get(0) instanceof ClaimResult.Claimed) {
      anchorHead();
    }
    return decided.get(0);
  }

  /** Records the chain's head outside the database, after a decision that must stay final. */
  private void anchorHead() {
    audit.head(now()).ifPresent(anchors::append);
  }

  private AuditEvent claimEvent(
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      String executionId,
      ClaimResult result) {
    AuditEvent.Builder event = event("grant_claim", task, binding).executionId(executionId);
    if (result instanceof ClaimResult.Claimed claimed) {
      event.approvalId(claimed.grant().approvalId().value());
    } else if (result instanceof ClaimResult.Refused refused) {
      pinned.ifPresent(id -> event.approvalId(id.value()));
      event.outcome("refused", refused.code().id()).detail("message", refused.message());
      Object why = refused.details().get("why");
      if (why != null) {
        event.detail("why", why);
      }
    }
    return event.build();
  }

  /** What a claim would do now, without consuming anything (for {@code exec --dry-run}). */
  public ClaimAttempt peek(Task task, TaskBinding binding, Optional<ApprovalId> pinned) {
    return store.peek(
        request(task, binding, pinned, "dry-run", Optional.empty()), now(), check(task.approval()));
  }

  /**
   * Whether a stored grant would pass exec's check, without consuming it: judged by the approval
   * block of the binding it approves, which is the task's for any grant that matches.
   */
  public Verdict verify(Grant grant) {
    return check(TaskBinding.approvalRules(grant.taskBinding())).check(grant);
  }

  /**
   * Every rule a grant must meet to be consumed under {@code rules}: its signature first (an edited
   * grant is named as edited), then the policy's rules.
   */
  private ClaimAttempt.Check check(ApprovalRules rules) {
    boolean unsignedOk = unsignedUsable(rules);
    return grant -> {
      Verdict signature = verifier.verify(grant, unsignedOk, now());
      return signature.valid() ? GrantRules.broken(grant, rules).orElse(signature) : signature;
    };
  }

  private boolean unsignedUsable(ApprovalRules rules) {
    return unsignedPermitted && rules.unsignedAllowed();
  }

  /** Where the state tables disagree with the decisions the audit trail records (at most 20). */
  public List<String> disagreements() {
    return store.disagreements(20);
  }

  public Grant show(ApprovalId id) {
    return store.find(id).orElseThrow(() -> notFound(id));
  }

  /** The grants {@code query} selects, newest first, one at a time. */
  public void forEach(GrantQuery query, java.util.function.Consumer<Grant> sink) {
    store.forEach(query, now(), sink);
  }

  /** Revokes a pending or expired grant; a consumed, revoked or unknown one is an error. */
  public Grant revoke(ApprovalId id, String revokedBy, String reason) {
    if (revokedBy != null) {
      checkPrincipal(revokedBy, "--by");
    }
    // The revocation and its audit event commit together.
    RevokeOutcome outcome =
        store.revoke(
            id,
            revokedBy,
            reason,
            clock,
            revoked ->
                audit.append(
                    AuditEvent.builder("grant_revoked", now())
                        .task(revoked.workflowId(), revoked.taskId(), revoked.taskHash())
                        .approvalId(id.value())
                        .actor(revokedBy)
                        .detail("reason", reason)
                        .build()));
    switch (outcome) {
      case NOT_FOUND:
        throw notFound(id);
      case ALREADY_CONSUMED:
        throw new AgentCliException(
            ErrorCode.APPROVAL_ALREADY_CONSUMED,
            "grant " + id + " was already used; a consumed grant cannot be revoked",
            Map.of("approval_id", id.value()));
      case ALREADY_REVOKED:
        throw new AgentCliException(
            ErrorCode.APPROVAL_ALREADY_REVOKED,
            "grant " + id + " is already revoked",
            Map.of("approval_id", id.value()));
      default:
        break;
    }
    anchorHead();
    return show(id);
  }

  /** How many of the task's recent grants a refusal describes. */
  private static final int NEAREST = 5;

  /**
   * Why no grant matched: none was ever approved, or the nearest ones are consumed, revoked or
   * expired (when, by whom), or the task changed since (which fields).
   */
  private ClaimResult.Refused explained(
      Task task, TaskBinding binding, Map<String, Object> details) {
    Instant now = now();
    List<Grant> recent = store.recentForTask(task.workflowId(), task.id(), NEAREST);
    if (recent.isEmpty()) {
      details.put("why", "no grant was ever approved for this task");
      return new ClaimResult.Refused(
          ErrorCode.APPROVAL_REQUIRED,
          "task " + task.qualifiedId() + " needs approval: no grant was ever approved for it",
          details);
    }
    List<Map<String, Object>> nearest = new ArrayList<>();
    for (Grant g : recent) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("approval_id", g.approvalId().value());
      m.put("status", g.status(now).id());
      m.put("approver", g.approver());
      m.put("granted_at", Timestamps.format(g.grantedAt()));
      m.put("expires_at", Timestamps.format(g.expiresAt()));
      if (g.consumption() != null) {
        m.put("consumed_at", Timestamps.format(g.consumption().consumedAt()));
        m.put("execution_id", g.consumption().executionId());
      }
      if (g.revocation() != null) {
        m.put("revoked_at", Timestamps.format(g.revocation().revokedAt()));
        m.put("revoked_by", g.revocation().revokedBy());
      }
      m.put(
          "drift",
          g.taskHash().equals(binding.taskHash())
              ? List.of()
              : BindingDiff.between(g.taskBinding(), binding.json()));
      nearest.add(m);
    }
    details.put("nearest", nearest);
    Grant latest = recent.get(0);
    @SuppressWarnings("unchecked")
    List<String> drift = (List<String>) nearest.get(0).get("drift");
    String why;
    if (!drift.isEmpty()) {
      why =
          "the task changed since it was last approved (grant "
              + latest.approvalId()
              + " by "
              + latest.approver()
              + "): "
              + String.join(", ", drift);
    } else {
      why =
          "its latest grant "
              + latest.approvalId()
              + " (by "
              + latest.approver()
              + ") is "
              + describe(latest, now);
    }
    details.put("why", why);
    return new ClaimResult.Refused(
        ErrorCode.APPROVAL_REQUIRED,
        "task " + task.qualifiedId() + " needs a new approval: " + why,
        details);
  }

  private static String describe(Grant g, Instant now) {
    switch (g.status(now)) {
      case CONSUMED:
        return "consumed, at "
            + Timestamps.format(g.consumption().consumedAt())
            + " by execution "
            + g.consumption().executionId();
      case REVOKED:
        return "revoked, at "
            + Timestamps.format(g.revocation().revokedAt())
            + (g.revocation().revokedBy() == null ? "" : " by " + g.revocation().revokedBy());
      case EXPIRED:
        return "expired, at " + Timestamps.format(g.expiresAt());
      default:
        return g.grantedAt().isAfter(now.plus(ApprovalStore.CLOCK_SKEW))
            ? "dated in the future (granted_at "
                + Timestamps.format(g.grantedAt())
                + "): a clock was wrong; it is not used until the clock catches up"
            : "pending but could not be used";
    }
  }

  private ClaimResult.Refused noGrant(
      Task task, TaskBinding binding, ClaimRequest request, ClaimAttempt attempt) {
    List<ClaimAttempt.Rejection> rejected = attempt.rejected();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("workflow_id", task.workflowId());
    details.put("task_id", task.id());
    details.put("task_hash", request.taskHash());
    if (!attempt.replayed().isEmpty() && rejected.isEmpty()) {
      List<String> ids =
          attempt.replayed().stream().map(r -> r.grant().approvalId().value()).toList();
      details.put("replayed", ids);
      return new ClaimResult.Refused(
          ErrorCode.APPROVAL_TAMPERED,
          "grant "
              + ids.get(0)
              + " shows as pending but "
              + attempt.replayed().get(0).evidence()
              + ": the database was edited; refusing",
          details);
    }
    if (!rejected.isEmpty()) {
      details.put("rejected", rejections(rejected));
      ClaimAttempt.Rejection first = rejected.get(0);
      return new ClaimResult.Refused(
          first.verdict().code(),
          rejected.size()
              + " matching grant(s) refused, none consumed; grant "
              + first.grant().approvalId()
              + ": "
              + first.verdict().reason(),
          details);
    }
    if (request.pinned().isEmpty()) {
      return explained(task, binding, details);
    }
    ApprovalId id = request.pinned().get();
    details.put("approval_id", id.value());
    Optional<Grant> found = store.find(id);
    String why;
    if (found.isEmpty()) {
      why = "no such grant";
    } else if (!found.get().workflowId().equals(task.workflowId())
        || !found.get().taskId().equals(task.id())) {
      why = "it approves task " + found.get().workflowId() + "/" + found.get().taskId();
    } else if (!found.get().taskHash().equals(request.taskHash())) {
      why =
          "the task changed since it was approved: "
              + String.join(", ", BindingDiff.between(found.get().taskBinding(), binding.json()));
    } else {
      why = "it is " + found.get().status(now()).id();
    }
    details.put("why", why);
    return new ClaimResult.Refused(
        ErrorCode.APPROVAL_REQUIRED, "grant " + id + " cannot be used: " + why, details);
  }

  /** The refused grants as JSON-ready maps, for error details. */
  public static List<Map<String, Object>> rejections(List<ClaimAttempt.Rejection> rejected) {
    return rejected.stream()
        .map(
            r -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("approval_id", r.grant().approvalId().value());
              m.put("rule", r.verdict().rule());
              m.put("reason", r.verdict().reason());
              m.put("key_fingerprint", r.verdict().keyFingerprint());
              return m;
            })
        .toList();
  }

  private static ClaimRequest request(
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      String executionId,
      Optional<Anchor> anchor) {
    return new ClaimRequest(
        task.workflowId(), task.id(), binding.taskHash(), pinned, executionId, anchor);
  }

  private AuditEvent.Builder event(String type, Task task, TaskBinding binding) {
    return AuditEvent.builder(type, now())
        .task(task.workflowId(), task.id(), binding.taskHash())
        .detail("manifest", task.origin().manifest())
        .detail("manifest_sha256", task.origin().sha256());
  }

  private static void checkPrincipal(String principal, String option) {
    if (principal == null || !PRINCIPAL.matcher(principal).matches()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          option + " must name a principal: 1 to 200 characters, no spaces or control characters",
          Map.of("option", option));
    }
  }

  private static AgentCliException notFound(ApprovalId id) {
    return new AgentCliException(
        ErrorCode.APPROVAL_NOT_FOUND, "no grant with id " + id, Map.of("approval_id", id.value()));
  }
}
