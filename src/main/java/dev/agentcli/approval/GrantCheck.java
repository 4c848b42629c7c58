package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import java.time.Instant;

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

  Verdict judge(Grant grant, ApprovalRules rules, Instant now) {
    Verdict signature = verifier.verify(grant, unsignedUsable(rules), now);
    return signature.valid() ? GrantRules.broken(grant, rules).orElse(signature) : signature;
  }

  /** Whether a freshly signed grant verifies against the trust store, as a claim would check it. */
  Verdict signature(Grant grant, Instant now) {
    return verifier.verify(grant, false, now);
  }
}
