package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditFeed;
import dev.agentcli.audit.EventType;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

final class WatchCommand extends BaseCommand {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int BATCH = 500;
  Long since;
  List<String> types = new ArrayList<>();
  boolean once;

  @Override
  void declare(Definition d) {
    d.text(
        "Print audit events as they commit, one JSON object per line (NDJSON): requests filed,"
            + " decided and expired, claims, runs, refusals... for dashboards and scripts.",
        "Each line has the event's id: start again with --since <that id> and nothing is missed or"
            + " repeated. Runs until interrupted (or with --once, until it has printed what is"
            + " there). It also records the expiry of requests nobody decided (request_expired).");
    d.option(Long.class, "--since")
        .label("<event-id>")
        .text(
            "Print the events after this id (0: the whole trail); default: only those from now on.")
        .to(v -> since = v);
    d.options("--type")
        .label("<event-type>")
        .text("Only events of this type (repeatable), e.g. approval_requested.")
        .to(v -> types = v);
    d.flag("--once").text("Print the events there are now, then exit.").to(v -> once = v);
  }

  WatchCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (since != null && since < 0) {
      throw BadOption.of("--since", since, "it must be an event id, 0 or more");
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String t : types) {
      if (EventType.of(t).isEmpty()) {
        throw BadOption.of(
            "--type",
            t,
            "it must be an event type: "
                + String.join(", ", Arrays.stream(EventType.values()).map(EventType::id).toList()));
      }
      wanted.add(t);
    }
    Long last = since;
    long seen = Long.MIN_VALUE;
    long nextExpiryCheck = 0;
    while (true) {
      Optional<AuditFeed> feed = services.existingFeed();
      if (feed.isPresent()) {
        if (System.nanoTime() - nextExpiryCheck >= 0) {
          if (recordExpiries(services) > 0) {
            seen = Long.MIN_VALUE; // this connection's own writes do not change data_version
          }
          services.notifyCommitted();
          nextExpiryCheck = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
        if (last == null) {
          last = feed.get().lastId();
        }
        long changes = feed.get().changes();
        if (changes != seen) {
          seen = changes;
          last = print(feed.get(), last, wanted);
          if (out().checkError()) {
            return 0; // the reader went away
          }
        }
      } else if (last == null) {
        last = 0L; // the database does not exist yet: everything it will hold is new
      }
      if (once) {
        return 0;
      }
      sleep();
    }
  }

  /** Prints the events after {@code last}; returns the id of the last one read. */
  private long print(AuditFeed feed, long last, Set<String> wanted) {
    while (true) {
      List<AuditEvent> batch = new ArrayList<>();
      feed.after(last, BATCH, batch::add);
      for (AuditEvent e : batch) {
        if (wanted.isEmpty() || wanted.contains(e.eventType())) {
          if (global.text()) {
            out().println(line(e));
          } else {
            out().println(Json.compact(Views.event(e)));
          }
        }
        last = e.id();
      }
      out().flush();
      if (batch.size() < BATCH) {
        return last;
      }
    }
  }

  private static String line(AuditEvent e) {
    return e.id()
        + "  "
        + e.occurredAt()
        + "  "
        + e.eventType()
        + "  "
        + e.outcome()
        + (e.code() == null ? "" : " " + e.code())
        + (e.taskId() == null ? "" : "  " + e.workflowId() + "/" + e.taskId())
        + (e.actor() == null ? "" : "  by " + e.actor());
  }

  private static int recordExpiries(Services services) {
    try {
      return services.existingRequests().map(r -> r.recordExpiries()).orElse(0);
    } catch (AgentCliException notNow) {
      return 0; // busy, or a reader without write access: another records it
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentCliException(ErrorCode.INTERNAL_ERROR, "interrupted");
    }
  }
}
