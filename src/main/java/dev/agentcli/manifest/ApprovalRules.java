package dev.agentcli.manifest;

import java.util.List;

/**
 * A task's {@code approval} block as it applies: the effective policy, the scopes that may approve
 * (empty: anyone), the longest lifetime of a grant, the risk level, and whether grants that are
 * unsigned by choice are accepted ({@code "signature": "optional"}; the default is required).
 */
public record ApprovalRules(
    Policy policy,
    List<ApproverScope> approverScope,
    long timeoutS,
    String riskLevel,
    boolean unsignedAllowed) {

  /** Used when the block gives no {@code timeout_s}, as in the Node tool. */
  public static final long DEFAULT_TIMEOUT_S = 3600;

  public ApprovalRules {
    approverScope = List.copyOf(approverScope);
  }

  /** The scopes as the manifest writes them, comma-separated ("" when anyone may approve). */
  public String scopeText() {
    return String.join(",", approverScope.stream().map(ApproverScope::text).toList());
  }

  /** Whether {@code principal} may approve: any scope admits it, or no scope is set. */
  public boolean admits(String principal) {
    return approverScope.isEmpty() || approverScope.stream().anyMatch(s -> s.admits(principal));
  }
}
