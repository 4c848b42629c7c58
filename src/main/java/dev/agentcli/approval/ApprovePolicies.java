package dev.agentcli.approval;

import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules an approval must meet before a grant is written, each a value that returns its refusal
 * (the model is ddd-by-examples' {@code PlacingOnHoldPolicy}); checked in order, the first broken
 * one decides.
 */
final class ApprovePolicies {
  /** One rule of approving: the refusal when {@code request} breaks it. */
  @FunctionalInterface
  interface ApprovePolicy {
    Optional<Refusal> check(ApproveRequest request);
  }

  /** Only a manual task takes grants: auto-reject never runs, the others need none. */
  static final ApprovePolicy POLICY_IS_MANUAL =
      request -> {
        Policy policy = request.subject().rules().policy();
        if (policy == Policy.MANUAL) {
          return Optional.empty();
        }
        String why =
            policy == Policy.AUTO_REJECT
                ? "its policy is auto-reject: it never runs, and no grant can override that"
                : "its policy is " + policy.id() + ": it runs without approval";
        return refuse(
            ErrorCode.POLICY_FORBIDS_APPROVAL,
            "task " + request.subject().qualifiedId() + " cannot be approved: " + why,
            Map.of("policy", policy.id()));
      };

  static final ApprovePolicy APPROVER_IN_SCOPE =
      request -> {
        ApprovalRules rules = request.subject().rules();
        if (rules.admits(request.approver())) {
          return Optional.empty();
        }
        return refuse(
            ErrorCode.APPROVAL_SCOPE_MISMATCH,
            "'"
                + request.approver()
                + "' may not approve task "
                + request.subject().qualifiedId()
                + " (approver_scope "
                + rules.scopeText()
                + ")",
            Map.of("approver", request.approver(), "approver_scope", rules.scopeText()));
      };

  /** An unsigned grant is written only where a claim could use it. */
  static ApprovePolicy unsignedOnlyWhereUsable(GrantCheck check) {
    return request -> {
      ApprovalRules rules = request.subject().rules();
      if (request.signer() != SignerChoice.NONE
          || (check.unsignedUsable(rules) && rules.quorum() <= 1)) {
        return Optional.empty();
      }
      if (rules.quorum() > 1) {
        return refuse(
            ErrorCode.APPROVAL_SIGNATURE_INVALID,
            "task "
                + request.subject().qualifiedId()
                + " needs "
                + rules.quorum()
                + " distinct approvers, told apart by their keys: an unsigned grant cannot count",
            Map.of("hint", "sign it: leave out --signer none"));
      }
      return refuse(
          ErrorCode.APPROVAL_SIGNATURE_INVALID,
          "task "
              + request.subject().qualifiedId()
              + " needs a signed grant ("
              + (rules.unsignedAllowed()
                  ? "the operator configuration does not allow unsigned grants"
                  : "its approval.signature is required")
              + "): an unsigned grant would never be used, so none was written",
          Map.of("hint", "sign it: leave out --signer none"));
    };
  }

  static final ApprovePolicy LIFETIME_AT_LEAST_A_SECOND =
      request ->
          lifetime(request).compareTo(Duration.ofSeconds(1)) < 0
              ? refuse(
                  ErrorCode.INPUT_INVALID, "the grant's lifetime must be at least 1s", Map.of())
              : Optional.empty();

  static final ApprovePolicy LIFETIME_WITHIN_TIMEOUT =
      request -> {
        long max = request.subject().rules().timeoutS();
        Duration ttl = lifetime(request);
        if (ttl.compareTo(Duration.ofSeconds(max)) <= 0) {
          return Optional.empty();
        }
        return refuse(
            ErrorCode.APPROVAL_TTL_TOO_LONG,
            "a grant for "
                + request.subject().qualifiedId()
                + " may live at most "
                + max
                + "s (approval.timeout_s), not "
                + ttl.toSeconds()
                + "s",
            Map.of("max_ttl_s", max, "requested_ttl_s", ttl.toSeconds()));
      };

  /** As many runs as the approver asks for, at most the task's {@code max_uses}. */
  static final ApprovePolicy USES_WITHIN_MAX =
      request -> {
        int max = request.subject().rules().maxUses();
        if (request.uses() < 1) {
          return refuse(ErrorCode.INPUT_INVALID, "--uses must be at least 1", Map.of());
        }
        if (request.uses() <= max) {
          return Optional.empty();
        }
        return refuse(
            ErrorCode.APPROVAL_USES_TOO_MANY,
            "a grant for "
                + request.subject().qualifiedId()
                + " may be good for at most "
                + max
                + " run(s) (approval.max_uses), not "
                + request.uses(),
            Map.of("max_uses", max, "requested_uses", request.uses()));
      };

  private final List<ApprovePolicy> policies;

  ApprovePolicies(GrantCheck check) {
    this.policies =
        List.of(
            POLICY_IS_MANUAL,
            APPROVER_IN_SCOPE,
            unsignedOnlyWhereUsable(check),
            LIFETIME_AT_LEAST_A_SECOND,
            LIFETIME_WITHIN_TIMEOUT,
            USES_WITHIN_MAX);
  }

  /** The refusal of the first rule {@code request} breaks; empty when it meets them all. */
  Optional<Refusal> firstBroken(ApproveRequest request) {
    return policies.stream().flatMap(p -> p.check(request).stream()).findFirst();
  }

  /** The grant's lifetime: as asked, else the longest the task allows. */
  static Duration lifetime(ApproveRequest request) {
    return request.ttl().orElse(Duration.ofSeconds(request.subject().rules().timeoutS()));
  }

  private static Optional<Refusal> refuse(
      ErrorCode code, String message, Map<String, Object> details) {
    return Optional.of(new Refusal(code, message, details));
  }
}
