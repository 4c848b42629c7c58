package dev.agentcli.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "audit",
    description = {
      "Read and check the audit trail: every approval, claim, refusal and run, hash-chained.",
      "Without a subcommand: the most recent events, oldest first (as audit list)."
    },
    subcommands = {
      AuditListCommand.class,
      AuditShowCommand.class,
      AuditExportCommand.class,
      AuditVerifyCommand.class,
      AuditHeadCommand.class,
      AuditAnchorCommand.class
    })
final class AuditCommand extends BaseCommand {
  @Mixin AuditFilter filter;

  AuditCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    return list(this, workspace, filter);
  }

  /** Prints the events {@code filter} selects: JSON, or a table for people. */
  static int list(BaseCommand command, Workspace workspace, AuditFilter filter) {
    List<Map<String, Object>> events = new ArrayList<>();
    var query = filter.query(command.ctx.clock());
    workspace.existingAudit().ifPresent(log -> log.forEach(query, e -> events.add(Views.event(e))));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("count", events.size());
    result.put("events", events);
    command.print(
        result,
        out ->
            Output.table(
                out,
                events,
                List.of(
                    "id",
                    "occurred_at",
                    "event_type",
                    "outcome",
                    "code",
                    "actor",
                    "task_id",
                    "approval_id",
                    "execution_id")));
    return 0;
  }
}
