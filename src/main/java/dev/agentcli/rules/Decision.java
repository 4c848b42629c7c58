package dev.agentcli.rules;

import java.util.Locale;
import java.util.Optional;

/** What a rule says of a command, from the least to the most strict. */
public enum Decision {
  /** Runs without a person. */
  ALLOW,
  /** Runs only with a person's approval. */
  ASK,
  /** Never runs. */
  DENY;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<Decision> parse(Object text) {
    for (Decision d : values()) {
      if (d.id().equals(text)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
