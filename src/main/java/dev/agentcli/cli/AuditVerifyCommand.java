package dev.agentcli.cli;

import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    description =
        "Recompute the audit trail's hash chain and report the first broken link: an event edited,"
            + " deleted or moved with the sqlite3 shell. Exits 0 when intact, 65 (audit_chain_broken)"
            + " when not.")
final class AuditVerifyCommand extends BaseCommand {
  @Option(
      names = "--expect-head",
      paramLabel = "<hash>",
      description =
          "The head recorded earlier (audit head): a chain that no longer ends there is broken.")
  String expectHead;

  AuditVerifyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    AuditChain.Verifier verifier = new AuditChain.Verifier();
    workspace.existingAudit().ifPresent(log -> log.forEach(AuditQuery.all(), verifier::accept));
    AuditChain.Check check = verifier.result(expectHead);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", check.intact());
    result.put("events", check.events());
    result.put("unchained", check.unchained());
    result.put("head", check.head());
    if (!check.intact()) {
      result.put("broken_at", check.brokenAt());
      result.put("reason", check.reason());
      throw new AgentCliException(
          ErrorCode.AUDIT_CHAIN_BROKEN, "the audit trail is not intact: " + check.reason(), result);
    }
    print(
        result,
        out ->
            out.println("audit trail intact: " + check.events() + " events, head " + check.head()));
    return 0;
  }
}
