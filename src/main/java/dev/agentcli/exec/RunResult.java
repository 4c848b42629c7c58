package dev.agentcli.exec;

/**
 * How a run ended, with what it printed (at most {@link TaskRunner#MAX_CAPTURE_BYTES} of each
 * stream, decoded as UTF-8) and the hash of each full stream.
 */
public record RunResult(
    int exitCode,
    boolean timedOut,
    long durationMs,
    Output stdout,
    Output stderr) {

  /** One captured stream. */
  public record Output(String text, boolean truncated, long bytes, String sha256) {}
}
