package dev.agentcli.exec;

/**
 * How a run ended, with what it printed (at most {@link TaskRunner#MAX_CAPTURE_BYTES} of each
 * stream, decoded as UTF-8) and the hash of each full stream.
 *
 * @param interrupted agentcli was stopped by a signal while the program ran, and stopped it
 */
public record RunResult(
    int exitCode,
    boolean timedOut,
    boolean interrupted,
    long durationMs,
    Output stdout,
    Output stderr) {

  /**
   * One captured stream.
   *
   * @param text null when the stream was not captured (passthrough)
   */
  public record Output(String text, boolean truncated, long bytes, String sha256) {
    /** A stream the child wrote straight to agentcli's own (passthrough). */
    public static final Output PASSED_THROUGH = new Output(null, false, -1, null);
  }
}
