package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "audit",
    description = "Show the most recent audit events (approvals, claims, refusals, runs), oldest first.")
final class AuditCommand extends BaseCommand {
  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "20",
      description = "How many events (default: ${DEFAULT-VALUE}).")
  int limit;

  AuditCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    if (limit < 1) {
      throw new AgentCliException(ErrorCode.INPUT_INVALID, "--limit must be at least 1");
    }
    List<Map<String, Object>> events =
        workspace
            .existingAudit()
            .map(log -> log.recent(limit).stream().map(Views::event).toList())
            .orElse(List.of());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("count", events.size());
    result.put("events", events);
    print(
        result,
        out ->
            Output.table(
                out,
                events,
                List.of(
                    "id", "occurred_at", "event_type", "outcome", "code", "task_id", "approval_id",
                    "execution_id")));
    return 0;
  }
}
