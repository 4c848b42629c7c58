package dev.agentcli.audit;

import java.util.function.Consumer;

/**
 * The audit trail as a feed: the events after one a reader has seen, in the order they committed.
 * Ids grow in commit order (one writer at a time), so "after the last id seen" never misses or
 * repeats an event, across restarts too.
 */
public interface AuditFeed {
  /** The events after {@code id}, oldest first, at most {@code limit}. */
  void after(long id, int limit, Consumer<AuditEvent> sink);

  /** The newest event's id; 0 for an empty trail. */
  long lastId();

  /** A number that changes whenever another process commits: read again only then. */
  long changes();
}
