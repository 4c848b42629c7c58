package dev.agentcli.approval;

/** How {@code approve} signs a grant: with the approver's SSH key, or explicitly not at all. */
public enum SignerChoice {
  SSH,
  NONE
}
