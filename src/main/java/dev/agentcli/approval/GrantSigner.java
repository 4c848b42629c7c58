package dev.agentcli.approval;

import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Signs an approver's grant with their SSH key; the implementation lives at the edge. */
@FunctionalInterface
public interface GrantSigner {
  /**
   * @return the armored SSHSIG of {@code message} in {@code namespace}
   * @throws dev.agentcli.error.AgentCliException {@code approval_signature_invalid}, saying why
   *     signing failed
   */
  String sign(byte[] message, Path key, String namespace);

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
