package dev.agentcli.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What an audit event records: the trail's whole vocabulary, stored as {@link #id()}. */
public enum EventType {
  /** The first event of a chain: the schema it began at. */
  AUDIT_GENESIS,
  APPROVAL_GRANTED,
  /** A further approver signed a grant whose task asks for a quorum. */
  APPROVAL_COSIGNED,
  /** An approve that a rule refused: nothing was written but this event. */
  APPROVAL_DENIED,
  /** An agent asked for a task binding to be approved (a request filed). */
  APPROVAL_REQUESTED,
  /** A person denied a request (signed). */
  REQUEST_DENIED,
  /** Who asked withdrew a request. */
  REQUEST_CANCELLED,
  /** Nobody decided a request before its deadline (recorded when first seen). */
  REQUEST_EXPIRED,
  /** A claim's decision: {@code ok} with the grant it consumed, or {@code refused}. */
  GRANT_CLAIM,
  /** A matching grant the claim would not consume (its signature or a rule failed). */
  GRANT_REJECTED,
  /** A grant that looks pending although its use or revocation is recorded. */
  GRANT_REPLAY_REFUSED,
  GRANT_REVOKED,
  EXEC_STARTED,
  EXEC_FINISHED,
  EXEC_INTERRUPTED,
  SIGNER_ADDED,
  SIGNER_REMOVED,
  /** An agent adapter (a Claude Code hook) judged a tool call by the command rules. */
  COMMAND_JUDGED,
  /** A notification of an event was delivered, or given up on. */
  NOTIFICATION_SENT,
  NOTIFICATION_FAILED,
  /** A caller tried to point agentcli elsewhere than the operator configuration does. */
  OVERRIDE_REFUSED;

  /**
   * Events that show a grant was used or withdrawn (with {@link #GRANT_CLAIM} only when its outcome
   * is {@code ok}): a grant any of them names is never consumed again, whatever its state columns
   * say.
   */
  public static final Set<EventType> FINAL_FOR_A_GRANT =
      Set.of(GRANT_CLAIM, EXEC_STARTED, EXEC_FINISHED, EXEC_INTERRUPTED, GRANT_REVOKED);

  /** The types a notification target may ask for: all but the notifications' own. */
  public static final Set<String> NOTIFIABLE =
      Arrays.stream(values())
          .filter(t -> t != NOTIFICATION_SENT && t != NOTIFICATION_FAILED)
          .map(EventType::id)
          .collect(Collectors.toUnmodifiableSet());

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type stored as {@code id}; empty for a value this build does not know. */
  public static Optional<EventType> of(String id) {
    return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
  }
}
