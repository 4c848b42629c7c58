package dev.agentcli.manifest;

import java.util.Locale;
import java.util.Optional;

/** A task's approval policy: whether, and how, the gate stands in front of it. */
public enum Policy {
  /** Runs only with a grant. */
  MANUAL,
  /** Runs without a grant. */
  AUTO_APPROVE,
  /** Never runs; no grant can override. */
  AUTO_REJECT,
  /** No approval block: runs without a grant, like auto-approve. */
  NONE;

  /**
   * The manifest spelling: {@code manual}, {@code auto-approve}, {@code auto-reject}, {@code none}.
   */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Optional<Policy> parse(String text) {
    for (Policy p : values()) {
      if (p != NONE && p.id().equals(text)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
