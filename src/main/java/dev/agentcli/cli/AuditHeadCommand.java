package dev.agentcli.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
    name = "head",
    description =
        "The latest event's hash, to anchor elsewhere (a ticket, a log, a commit): audit verify"
            + " --expect-head then detects a deleted tail.")
final class AuditHeadCommand extends BaseCommand {
  AuditHeadCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    String head = workspace.existingAudit().flatMap(log -> log.head()).orElse(null);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("head", head);
    print(result, out -> out.println(head == null ? "-" : head));
    return 0;
  }
}
