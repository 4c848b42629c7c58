package dev.agentcli.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Which audit events to read, oldest first.
 *
 * @param newest only the newest this many of the matching events; 0 for all
 */
public record AuditQuery(
    int newest,
    Optional<Instant> since,
    Optional<String> executionId,
    Optional<String> approvalId,
    Optional<String> taskId) {

  /** Every event. */
  public static AuditQuery all() {
    return new AuditQuery(
        0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }
}
