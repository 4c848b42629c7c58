package dev.agentcli.cli;

import dev.agentcli.audit.AuditQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The filters of {@code audit} and {@code audit list}. */
final class AuditFilter {
  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "20",
      description = "The newest n matching events (default: ${DEFAULT-VALUE}; 0: all).")
  int limit;

  @Option(
      names = "--since",
      paramLabel = "<when>",
      description =
          "Only events at or after this time: ISO-8601 (2026-11-26T12:00:00Z) or an age (90s, 15m, 2h, 1d).")
  String since;

  @Option(
      names = "--execution",
      paramLabel = "<id>",
      description = "Only events of this execution.")
  String execution;

  @Option(names = "--approval", paramLabel = "<id>", description = "Only events of this grant.")
  String approval;

  @Option(names = "--task", paramLabel = "<id>", description = "Only events of this task.")
  String task;

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
