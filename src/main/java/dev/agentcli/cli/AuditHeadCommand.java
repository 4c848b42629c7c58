package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.audit.Anchor;
import java.util.LinkedHashMap;
import java.util.Map;

final class AuditHeadCommand extends BaseCommand {

  @Override
  void declare(Definition d) {
    d.text(
        "The latest event's id and hash, to anchor elsewhere (a ticket, a log, a commit): audit"
            + " verify --expect-head then checks that it is still in the chain and counts what"
            + " follows it. audit anchor keeps such anchors in a file for you.");
  }

  AuditHeadCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Anchor head =
        services.existingAudit().flatMap(log -> log.head(ctx.clock().instant())).orElse(null);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("head", head == null ? null : head.hash());
    result.put("id", head == null ? null : head.id());
    print(result, out -> out.println(head == null ? "-" : head.hash()));
    return 0;
  }
}
