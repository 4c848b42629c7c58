package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Signs an approver's grant (or denial) with their SSH key, or, in the web inbox, has their passkey
 * sign it; the implementations live at the edge.
 */
@FunctionalInterface
public interface GrantSigner {
  /**
   * @return the armored SSHSIG of {@code message} in {@code namespace}
   * @throws dev.agentcli.error.AgentCliException {@code approval_signature_invalid}, saying why
   *     signing failed
   */
  String sign(byte[] message, Path key, String namespace);

  /**
   * {@code payload} signed with {@code key} (the person's, when one was found) in the agentcli
   * namespace, as a grant records it.
   *
   * @throws dev.agentcli.error.AgentCliException {@code approval_signature_invalid} without a key
   */
  default Grant.Signature signature(String payload, Optional<Path> key) {
    return signature(
        payload,
        key.orElseThrow(
            () ->
                new AgentCliException(
                    ErrorCode.SIGNING_KEY_NOT_FOUND,
                    "no SSH key to sign with: pass --signing-key, set AGENTCLI_SIGNING_KEY, or"
                        + " create ~/.ssh/id_ed25519 (--signer none writes an explicitly unsigned"
                        + " grant)")));
  }

  /** {@code payload} signed with {@code key} in the agentcli namespace, as a grant records it. */
  default Grant.Signature signature(String payload, Path key) {
    String armored = sign(payload.getBytes(StandardCharsets.UTF_8), key, GrantPayload.NAMESPACE);
    return new Grant.Signature(
        GrantVerifier.METHOD,
        SshSignature.parseArmored(armored).publicKey().fingerprint(),
        GrantPayload.NAMESPACE,
        payload,
        armored);
  }
}
