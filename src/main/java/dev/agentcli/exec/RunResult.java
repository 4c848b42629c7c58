package dev.agentcli.exec;

/**
 * How a run ended, with what it printed (at most {@link TaskRunner#MAX_CAPTURE_BYTES} of each
 * stream, decoded as UTF-8) and the size and hash of each full stream.
 *
 * @param signal the signal (INT, TERM, HUP) that told agentcli to stop while the program ran, after
 *     which it stopped the program's tree; null when it was not interrupted
 */
public record RunResult(
    int exitCode, boolean timedOut, String signal, long durationMs, Output stdout, Output stderr) {

  /** agentcli was stopped by a signal while the program ran, and stopped it. */
  public boolean interrupted() {
    return signal != null;
  }

  /** What agentcli exits with: 128 + the signal, 124 on timeout, else the task's own status. */
  public int exitStatus() {
    if (interrupted()) {
      return StopSignals.status(signal);
    }
    return timedOut ? 124 : exitCode;
  }

  /**
   * One captured stream.
   *
   * @param text null when the stream was not captured (passthrough)
   * @param bytes the whole stream's length; -1 when unknown (passthrough, or not drained)
   */
  public record Output(String text, boolean truncated, long bytes, String sha256) {
    /** A stream the child wrote straight to agentcli's own (passthrough). */
    public static final Output PASSED_THROUGH = new Output(null, false, -1, null);
  }
}
