package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.signing.AllowedSigners;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Signs a grant with the approver's key and checks that the trust store accepts it, so that an
 * approval never succeeds that exec would refuse.
 */
final class GrantSigning {
  /** A signed grant, or why it could not be signed. */
  sealed interface Outcome {}

  record Signed(Grant grant) implements Outcome {}

  record Failed(Refusal refusal) implements Outcome {}

  private final GrantSigner signer;
  private final GrantCheck check;

  GrantSigning(GrantSigner signer, GrantCheck check) {
    this.signer = signer;
    this.check = check;
  }

  Outcome sign(Grant grant, Optional<Path> key) {
    Grant.Signature signature;
    try {
      signature = signer.signature(GrantPayload.of(grant), key);
    } catch (AgentCliException e) {
      return new Failed(Refusal.of(e));
    }
    String fingerprint = signature.keyFingerprint();
    Grant signed = grant.withSignature(signature);
    Verdict verdict = check.signature(signed, grant.grantedAt());
    if (verdict.valid()) {
      return new Signed(signed);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("key_fingerprint", fingerprint);
    if (verdict.reason().endsWith(AllowedSigners.NOT_TRUSTED)) {
      // Nobody trusts the key yet; a key trusted as someone else is not widened by a hint.
      details.put(
          "hint",
          "trust the key with: agentcli signers add " + grant.approver() + " <public-key-file>");
    }
    return new Failed(
        new Refusal(
            ErrorCode.APPROVAL_SIGNATURE_INVALID,
            "the grant would not verify, nothing was written: " + verdict.reason(),
            details));
  }
}
