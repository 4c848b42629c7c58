package dev.agentcli.approval;

/** What the store found when asked to revoke a grant, decided inside one transaction. */
public enum RevokeOutcome {
  REVOKED,
  NOT_FOUND,
  ALREADY_CONSUMED,
  ALREADY_REVOKED
}
