package dev.agentcli.approval;

import dev.agentcli.error.ErrorCode;

/**
 * Whether a grant may be used: its signature verified by a trusted key for its approver (or it is
 * unsigned by choice where that is allowed), and it meets every rule of the task's policy.
 *
 * @param reason why not, when not valid; what was accepted, when valid
 * @param keyFingerprint the signer's key, when the grant carries a readable signature
 * @param rule the rule a refused grant broke: {@code signature}, {@code policy}, {@code
 *     approver_scope}, {@code timeout_s} or {@code quorum}; null when valid
 */
public record Verdict(boolean valid, String reason, String keyFingerprint, String rule) {
  static Verdict ok(String reason, String keyFingerprint) {
    return new Verdict(true, reason, keyFingerprint, null);
  }

  static Verdict refused(String reason, String keyFingerprint) {
    return new Verdict(false, reason, keyFingerprint, "signature");
  }

  static Verdict broke(String rule, String reason, String keyFingerprint) {
    return new Verdict(false, reason, keyFingerprint, rule);
  }

  /** The gate's code for a refusal on this verdict. */
  public ErrorCode code() {
    if (rule == null) {
      return null;
    }
    return switch (rule) {
      case "approver_scope" -> ErrorCode.APPROVAL_SCOPE_MISMATCH;
      case "timeout_s", "policy", "max_uses" -> ErrorCode.APPROVAL_POLICY_VIOLATED;
      case "quorum" -> ErrorCode.APPROVAL_REQUIRED;
      default -> ErrorCode.APPROVAL_SIGNATURE_INVALID;
    };
  }
}
