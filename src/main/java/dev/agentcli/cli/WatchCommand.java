package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Following;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.codec.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

final class WatchCommand extends BaseCommand {
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
    Following.follow(
        services,
        since,
        wanted,
        once,
        new Following.Reader() {
          @Override
          public boolean event(AuditEvent e) {
            out().println(global.text() ? line(e) : Json.compact(Views.event(e)));
            return true;
          }

          @Override
          public boolean pause() {
            out().flush();
            return !out().checkError(); // false: the reader went away
          }
        });
    out().flush();
    return 0;
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
}
