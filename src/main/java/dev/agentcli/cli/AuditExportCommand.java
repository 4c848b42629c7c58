package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.codec.Json;
import java.io.PrintWriter;

final class AuditExportCommand extends BaseCommand {

  @Override
  void declare(Definition d) {
    d.text(
        "Every audit event as NDJSON (one JSON object a line, oldest first), streamed, for log"
            + " pipelines. Includes each event's prev_hash and event_hash.");
  }

  AuditExportCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    PrintWriter out = out();
    services
        .existingAudit()
        .ifPresent(
            log -> log.forEach(AuditQuery.all(), e -> out.println(Json.compact(Views.event(e)))));
    out.flush();
    return 0;
  }
}
