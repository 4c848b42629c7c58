package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class AuditCommand extends BaseCommand {
  final AuditFilter filter = new AuditFilter();

  @Override
  void declare(Definition d) {
    d.text(
        "Read and check the audit trail: every approval, claim, refusal and run, hash-chained.",
        "Without a subcommand: the most recent events, oldest first (as audit list).");
    d.subcommand("list", new AuditListCommand(ctx));
    d.subcommand("show", new AuditShowCommand(ctx));
    d.subcommand("export", new AuditExportCommand(ctx));
    d.subcommand("verify", new AuditVerifyCommand(ctx));
    d.subcommand("head", new AuditHeadCommand(ctx));
    d.subcommand("anchor", new AuditAnchorCommand(ctx));
    filter.define(d);
  }

  AuditCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    return list(this, services, filter);
  }

  /** Prints the events {@code filter} selects: JSON, or a table for people. */
  static int list(BaseCommand command, Services services, AuditFilter filter) {
    List<Map<String, Object>> events = new ArrayList<>();
    var query = filter.query(command.ctx.clock());
    services.existingAudit().ifPresent(log -> log.forEach(query, e -> events.add(Views.event(e))));
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
