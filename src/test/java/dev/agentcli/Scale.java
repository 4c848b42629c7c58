package dev.agentcli;

/**
 * How many times a test repeats what it checks under load: a count that catches the bug it was
 * written for, by default, so that the suite keeps its loop short; the count its issue named with
 * {@code -Dagentcli.test.full=true} (a soak before a release, say).
 */
public final class Scale {
  private Scale() {}

  public static int of(int quick, int full) {
    return Boolean.getBoolean("agentcli.test.full") ? full : quick;
  }
}
