package dev.agentcli.approval;

import java.util.Locale;

/** A grant's effective status; when several apply, the first listed wins. */
public enum GrantStatus {
  REVOKED,
  CONSUMED,
  EXPIRED,
  PENDING;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
