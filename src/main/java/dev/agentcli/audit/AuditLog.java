package dev.agentcli.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/** The append-only, hash-chained audit trail. */
public interface AuditLog {

  /**
   * Appends {@code event} at the end of the chain, durably; inside a caller's transaction when
   * there is one, so that it commits (or not) with what it records. Returns the event's id.
   */
  long append(AuditEvent event);

  /** Hands the matching events to {@code sink} oldest first, one at a time, without a list. */
  void forEach(AuditQuery query, Consumer<AuditEvent> sink);

  /**
   * The latest event's id and hash (with {@code at} as the time): what to anchor elsewhere. Empty
   * when nothing is chained yet.
   */
  Optional<Anchor> head(Instant at);

  /**
   * Refuses ({@code database_tampered}) unless the trail still holds {@code anchor}'s event with
   * its hash: a trail rewritten or truncated since cannot be trusted to say what was used.
   */
  void requireAnchored(Anchor anchor);
}
