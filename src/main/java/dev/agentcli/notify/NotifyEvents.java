package dev.agentcli.notify;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import java.time.Instant;

/** The audit event of a notification's delivery, or of giving it up. */
public final class NotifyEvents {
  private NotifyEvents() {}

  public static AuditEvent delivery(Instant at, Delivery d) {
    return AuditEvent.builder(
            d.delivered() ? EventType.NOTIFICATION_SENT : EventType.NOTIFICATION_FAILED, at)
        .outcome(
            d.delivered() ? Outcome.OK : Outcome.FAILED,
            d.delivered() ? null : "notification_failed")
        .detail("target", d.target().name())
        .detail("event_type", d.eventType())
        .detail("event_id", d.eventId())
        .detail("attempts", d.attempts())
        .detail("result", d.result())
        .build();
  }
}
