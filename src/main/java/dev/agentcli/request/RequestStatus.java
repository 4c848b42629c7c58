package dev.agentcli.request;

import java.util.Locale;

/** Where a request stands; an expired request counts as denied. */
public enum RequestStatus {
  PENDING,
  APPROVED,
  DENIED,
  /** Withdrawn by who asked, before anyone decided it. */
  CANCELLED,
  EXPIRED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Decided one way or the other (an expired request counts as denied). */
  public boolean settled() {
    return this != PENDING;
  }
}
