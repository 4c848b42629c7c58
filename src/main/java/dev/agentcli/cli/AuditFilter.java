package dev.agentcli.cli;

import dev.agentcli.audit.AuditQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The filters of {@code audit} and {@code audit list}. */
final class AuditFilter implements Definition.Defined {
  int limit;
  String since;
  String execution;
  String approval;
  String task;

  @Override
  public void define(Definition d) {
    d.option(Integer.class, "--limit")
        .label("<n>")
        .defaultValue("20")
        .text("The newest n matching events (default: ${DEFAULT-VALUE}; 0: all).")
        .to(v -> limit = v);
    d.option(String.class, "--since")
        .label("<when>")
        .text(
            "Only events at or after this time: ISO-8601 (2026-11-26T12:00:00Z) or an age (90s, 15m, 2h, 1d).")
        .to(v -> since = v);
    d.option(String.class, "--execution")
        .label("<id>")
        .text("Only events of this execution.")
        .to(v -> execution = v);
    d.option(String.class, "--approval")
        .label("<id>")
        .text("Only events of this grant.")
        .to(v -> approval = v);
    d.option(String.class, "--task")
        .label("<id>")
        .text("Only events of this task.")
        .to(v -> task = v);
  }

  AuditQuery query(Clock clock) {
    if (limit < 0) {
      throw BadOption.of("--limit", limit, "it must be 0 (all) or more");
    }
    return new AuditQuery(
        limit,
        Optional.ofNullable(since).map(s -> instant(s, clock)),
        Optional.ofNullable(execution),
        Optional.ofNullable(approval),
        Optional.ofNullable(task));
  }

  private static Instant instant(String text, Clock clock) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notIso) {
      try {
        Duration age = new DurationConverter().convert(text);
        return clock.instant().minus(age);
      } catch (RuntimeException notAge) {
        throw BadOption.of("--since", text, "it must be an ISO-8601 time or an age like 15m");
      }
    }
  }
}
