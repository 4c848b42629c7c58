package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    Set<String> keys = new HashSet<>(Set.of(grant.signature().keyFingerprint()));
    String payload = GrantPayload.of(grant);
    for (Cosignature c : cosignatures) {
      Grant.Signature s = c.signature();
      if (rules.admits(c.cosigner())
          && !approvers.contains(c.cosigner())
          && !keys.contains(s.keyFingerprint())
          && verifier.verifySigned(s, payload, c.cosigner(), now).valid()) {
        approvers.add(c.cosigner());
        keys.add(s.keyFingerprint());
      }
    }
    return approvers;
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
