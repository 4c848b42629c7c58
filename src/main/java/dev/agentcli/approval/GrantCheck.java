package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every rule a grant must meet to be consumed under a task's approval block: its signature first
 * (an edited grant is named as edited), then the policy's rules.
 */
public final class GrantCheck {
  private final GrantVerifier verifier;
  private final boolean unsignedPermitted;

  /**
   * @param unsignedPermitted whether grants unsigned by choice may ever be used (the operator's
   *     say); where they may, a task must still allow them ({@code "signature": "optional"})
   */
  public GrantCheck(GrantVerifier verifier, boolean unsignedPermitted) {
    this.verifier = verifier;
    this.unsignedPermitted = unsignedPermitted;
  }

  /** Whether a grant unsigned by choice is usable for a task with {@code rules}. */
  boolean unsignedUsable(ApprovalRules rules) {
    return unsignedPermitted && rules.unsignedAllowed();
  }

  /**
   * @param cosignatures the grant's co-signatures, read only when the task asks for a quorum
   */
  Verdict judge(
      Grant grant, ApprovalRules rules, Instant now, Supplier<List<Cosignature>> cosignatures) {
    Verdict signature = verifier.verify(grant, unsignedUsable(rules), now);
    if (!signature.valid()) {
      return signature;
    }
    Verdict ruled = GrantRules.broken(grant, rules).orElse(signature);
    return ruled.valid() && rules.quorum() > 1
        ? quorum(grant, cosignatures.get(), rules, now)
        : ruled;
  }

  /**
   * The distinct people whose signatures over {@code grant} verify: its own signer and each
   * co-signer the task admits, each principal and each key counted once.
   */
  List<String> approvers(
      Grant grant, List<Cosignature> cosignatures, ApprovalRules rules, Instant now) {
    List<String> approvers = new ArrayList<>();
    if (grant.signature() == null || !verifier.verify(grant, false, now).valid()) {
      return approvers;
    }
    approvers.add(grant.approver());
    List<String> keys = new ArrayList<>(List.of(grant.signature().keyFingerprint()));
    for (Cosignature c : cosignatures) {
      if (whyNotCounted(grant, c, approvers, keys, rules, now).isEmpty()) {
        approvers.add(c.cosigner());
        keys.add(c.signature().keyFingerprint());
      }
    }
    return approvers;
  }

  /** Each co-signature of {@code grant} with why it does not count (empty when it counts). */
  Map<Cosignature, Optional<String>> review(
      Grant grant, List<Cosignature> cosignatures, ApprovalRules rules, Instant now) {
    Map<Cosignature, Optional<String>> reviewed = new LinkedHashMap<>();
    List<String> approvers = new ArrayList<>(List.of(grant.approver()));
    List<String> keys = new ArrayList<>();
    if (grant.signature() != null) {
      keys.add(grant.signature().keyFingerprint());
    }
    for (Cosignature c : cosignatures) {
      Optional<String> why = whyNotCounted(grant, c, approvers, keys, rules, now);
      if (why.isEmpty()) {
        approvers.add(c.cosigner());
        keys.add(c.signature().keyFingerprint());
      }
      reviewed.put(c, why);
    }
    return reviewed;
  }

  /**
   * Why a co-signature does not count toward the quorum, if it does not: the scope does not admit
   * its signer, the principal or the key already counted, or the signature does not verify.
   *
   * @param counted the principals counted so far (the grant's own signer first)
   * @param keys the keys of the signatures counted so far
   */
  private Optional<String> whyNotCounted(
      Grant grant,
      Cosignature c,
      List<String> counted,
      List<String> keys,
      ApprovalRules rules,
      Instant now) {
    Grant.Signature s = c.signature();
    if (!rules.admits(c.cosigner())) {
      return Optional.of("'" + c.cosigner() + "' may not approve this task (approver_scope)");
    }
    if (counted.contains(c.cosigner())) {
      return Optional.of("'" + c.cosigner() + "' already counted");
    }
    if (keys.contains(s.keyFingerprint())) {
      return Optional.of("its key " + s.keyFingerprint() + " already signed the grant");
    }
    Verdict v = verifier.verifySigned(s, GrantPayload.of(grant), c.cosigner(), now);
    return v.valid() ? Optional.empty() : Optional.of(v.reason());
  }

  /** Whether {@code grant} has the approvals the task's quorum asks for. */
  Verdict quorum(Grant grant, List<Cosignature> cosignatures, ApprovalRules rules, Instant now) {
    int have = approvers(grant, cosignatures, rules, now).size();
    return have >= rules.quorum()
        ? Verdict.ok(have + " distinct approvers", null)
        : Verdict.broke(
            "quorum",
            "it has "
                + have
                + " of the "
                + rules.quorum()
                + " distinct approvals the task's quorum asks for",
            null);
  }

  /** Whether {@code s} is {@code principal}'s trusted signature over exactly {@code payload}. */
  Verdict verifySigned(Grant.Signature s, String payload, String principal, Instant now) {
    return verifier.verifySigned(s, payload, principal, now);
  }

  /** Whether a freshly signed grant verifies against the trust store, as a claim would check it. */
  Verdict signature(Grant grant, Instant now) {
    return verifier.verify(grant, false, now);
  }
}
