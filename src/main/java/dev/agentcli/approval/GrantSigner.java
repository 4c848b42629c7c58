package dev.agentcli.approval;

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
}
