package dev.agentcli.audit;

import java.util.Locale;

/** How the recorded decision or action ended; a refusal or failure carries an error code. */
public enum Outcome {
  OK,
  REFUSED,
  FAILED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
