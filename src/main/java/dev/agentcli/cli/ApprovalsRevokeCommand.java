package dev.agentcli.cli;

import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Grant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "revoke",
    description =
        "Revoke a grant that is pending (or expired). Revoking a consumed, revoked or unknown grant"
            + " is an error, never a silent success.")
final class ApprovalsRevokeCommand extends BaseCommand {
  @Parameters(paramLabel = "<approval-id>", description = "The grant's id (32 hex digits).")
  String id;

  @Option(
      names = "--by",
      paramLabel = "<principal>",
      description = "Who revokes it (default: the OS user, the real one under sudo).")
  String by;

  @Option(names = "--reason", paramLabel = "<text>", description = "Why, kept with the revocation.")
  String reason;

  ApprovalsRevokeCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    ApprovalService approvals = workspace.approvals();
    Grant grant =
        approvals.revoke(approvals.resolve(id), by != null ? by : Asking.osUser(ctx), reason);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("revoked", true);
    result.put("approval", Views.grant(grant, approvals.now()));
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
