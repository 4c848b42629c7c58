package dev.agentcli.audit;

import java.util.List;

/** Where one execution got to, as its audit events tell it. */
public final class ExecutionState {
  private ExecutionState() {}

  /**
   * {@code finished}, {@code interrupted}, {@code refused}, or {@code started, never finished} (the
   * crash marker); {@code unknown} when no event says it began.
   *
   * @param events the execution's events, oldest first
   */
  public static String of(List<AuditEvent> events) {
    boolean started = false;
    for (AuditEvent e : events) {
      EventType type = EventType.of(e.eventType()).orElse(null);
      if (type == EventType.EXEC_FINISHED) {
        return "finished";
      }
      if (type == EventType.EXEC_INTERRUPTED) {
        return "interrupted";
      }
      if (type == EventType.GRANT_CLAIM && !Outcome.OK.id().equals(e.outcome())) {
        return "refused";
      }
      started |= type == EventType.GRANT_CLAIM || type == EventType.EXEC_STARTED;
    }
    return started ? "started, never finished" : "unknown";
  }
}
