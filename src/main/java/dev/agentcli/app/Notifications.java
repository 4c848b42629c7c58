package dev.agentcli.app;

import dev.agentcli.approval.RequestId;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditFeed;
import dev.agentcli.audit.EventType;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.notify.Delivery;
import dev.agentcli.notify.Notifier;
import dev.agentcli.notify.NotifyEvents;
import dev.agentcli.notify.Target;
import dev.agentcli.request.RequestService;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcAuditLog;
import dev.agentcli.store.JdbcLedger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A command's notifications: the events it committed that a target wants, with what a person needs
 * to decide (the request, the commands that approve or deny it), sent as they commit and audited as
 * they end. A command waits for them at most {@link Notifier#BOUND} when it ends.
 */
public final class Notifications {
  private final Notifier notifier;
  private final Clock clock;
  private final Optional<String> inbox;

  private Notifications(List<Target> targets, Clock clock, Optional<String> inbox) {
    this.notifier = new Notifier(targets);
    this.clock = clock;
    this.inbox = inbox;
  }

  /**
   * @param inbox the web inbox a message links each request to, when there is one (asked only when
   *     some target is told anything: it is a file read)
   */
  public static Optional<Notifications> of(
      List<Target> targets, Clock clock, Supplier<Optional<String>> inbox) {
    return targets.isEmpty()
        ? Optional.empty()
        : Optional.of(new Notifications(targets, clock, inbox.get()));
  }

  /** Whether some target is told of events of {@code type}. */
  public boolean tells(EventType type) {
    return notifier.wants(type.id());
  }

  /**
   * Sends what a target wants of {@code appended}, the events this command wrote to {@code db}
   * (those of them the trail now holds: committed), and audits the deliveries that have ended; with
   * {@code last}, waits for all of them first (at most {@link Notifier#BOUND}).
   */
  public void afterCommit(
      Database db,
      List<AuditEvent> appended,
      boolean last,
      Supplier<Optional<RequestService>> requests) {
    JdbcAuditLog audit = new JdbcAuditLog(db);
    sendCommitted(appended, audit, requests);
    List<AuditEvent> outcomes = outcomes(last);
    if (!outcomes.isEmpty()) {
      try {
        new JdbcLedger(db).atomic(() -> outcomes.forEach(audit::append));
      } catch (AgentCliException unrecorded) {
        // The deliveries happened (or not) either way; the trail misses their outcome.
      }
      db.takeAppended(); // the outcomes themselves are never notified
    }
  }

  private void sendCommitted(
      List<AuditEvent> appended, AuditFeed feed, Supplier<Optional<RequestService>> requests) {
    for (AuditEvent e : appended) {
      if (notifier.wants(e.eventType()) && committed(e, feed)) {
        notifier.send(
            e.eventType(),
            e.id(),
            message(e.eventType(), Views.event(e), requestOf(e, requests), inbox));
      }
    }
  }

  /** A reminder that a request's deadline is near (not an audit event: its delivery is). */
  public void sendExpiring(RequestService.State state) {
    if (notifier.wants("request_expiring")) {
      notifier.send(
          "request_expiring", null, message("request_expiring", null, Optional.of(state), inbox));
    }
  }

  /** The audit events of the deliveries that have ended; with {@code last}, of all of them. */
  private List<AuditEvent> outcomes(boolean last) {
    List<AuditEvent> events = new ArrayList<>();
    for (Delivery d : last ? notifier.finish() : notifier.ended()) {
      events.add(NotifyEvents.delivery(clock.instant(), d));
    }
    return events;
  }

  private static boolean committed(AuditEvent e, AuditFeed feed) {
    List<AuditEvent> found = new ArrayList<>();
    try {
      feed.after(e.id() - 1, 1, found::add);
    } catch (AgentCliException unreadable) {
      return false;
    }
    return !found.isEmpty() && found.get(0).eventHash().equals(e.eventHash());
  }

  private static Optional<RequestService.State> requestOf(
      AuditEvent e, Supplier<Optional<RequestService>> requests) {
    if (!(e.details().get("request_id") instanceof String id)) {
      return Optional.empty();
    }
    try {
      return requests.get().map(r -> r.state(new RequestId(id)));
    } catch (AgentCliException gone) {
      return Optional.empty();
    }
  }

  public static Map<String, Object> message(
      String type,
      Map<String, Object> event,
      Optional<RequestService.State> request,
      Optional<String> inbox) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event_type", type);
    request.ifPresentOrElse(
        s -> {
          String id = s.request().requestId().value();
          m.put(
              "summary",
              "request "
                  + id
                  + " for "
                  + s.request().subject().qualifiedId()
                  + " is "
                  + s.status().id()
                  + (s.request().reason() == null ? "" : " (" + s.request().reason() + ")")
                  + ", asked by "
                  + s.request().requester().principal()
                  + "; decide by "
                  + s.request().expiresAt());
          m.put("request", Views.request(s));
          Map<String, Object> actions = new LinkedHashMap<>();
          actions.put("show", "agentcli requests show " + id);
          actions.put("approve", "agentcli approve " + id + " --by <you>");
          actions.put("deny", "agentcli deny " + id + " --by <you> --reason '<why>'");
          inbox.ifPresent(url -> actions.put("inbox", url + "/requests/" + id));
          m.put("actions", actions);
        },
        () -> m.put("summary", type));
    m.put("event", event);
    return m;
  }
}
