package dev.agentcli.cli;

import dev.agentcli.app.Caller;
import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Grant;
import java.util.LinkedHashMap;
import java.util.Map;

final class ApprovalsRevokeCommand extends BaseCommand {
  String id;
  String by;
  String reason;

  @Override
  void declare(Definition d) {
    d.text(
        "Revoke a grant that is pending (or expired). Revoking a consumed, revoked or unknown grant"
            + " is an error, never a silent success.");
    d.positional(String.class, "0")
        .label("<approval-id>")
        .text("The grant's id (32 hex digits).")
        .to(v -> id = v);
    d.option(String.class, "--by")
        .label("<principal>")
        .text("Who revokes it (default: the OS user, the real one under sudo).")
        .to(v -> by = v);
    d.option(String.class, "--reason")
        .label("<text>")
        .text("Why, kept with the revocation.")
        .to(v -> reason = v);
  }

  ApprovalsRevokeCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    ApprovalService approvals = services.approvals();
    Grant grant =
        approvals.revoke(approvals.resolve(id), by != null ? by : Caller.osUser(ctx), reason);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("revoked", true);
    result.put("approval", Views.grant(grant, approvals.now()));
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
