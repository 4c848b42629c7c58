package dev.agentcli.audit;

import java.util.List;

/** The append-only audit trail. */
public interface AuditLog {

  /** Appends durably; returns the event's id. */
  long append(AuditEvent event);

  /** The newest {@code limit} events, oldest first (like {@code tail}). */
  List<AuditEvent> recent(int limit);
}
