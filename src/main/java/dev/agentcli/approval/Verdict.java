package dev.agentcli.approval;

/**
 * Whether a grant may be used: its signature verified by a trusted key for its approver, or it is
 * unsigned by choice where that is allowed.
 *
 * @param reason why not, when not valid; what was accepted, when valid
 * @param keyFingerprint the signer's key, when the grant carries a readable signature
 */
public record Verdict(boolean valid, String reason, String keyFingerprint) {
  static Verdict ok(String reason, String keyFingerprint) {
    return new Verdict(true, reason, keyFingerprint);
  }

  static Verdict refused(String reason, String keyFingerprint) {
    return new Verdict(false, reason, keyFingerprint);
  }
}
