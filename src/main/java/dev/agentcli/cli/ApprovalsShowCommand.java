package dev.agentcli.cli;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Grant;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    description = "Show one grant: its status, who approved it, and the binding it approved.")
final class ApprovalsShowCommand extends BaseCommand {
  @Parameters(paramLabel = "<approval-id>", description = "The grant's id (32 hex digits).")
  String id;

  ApprovalsShowCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    ApprovalId approvalId = new ApprovalId(id);
    ApprovalService approvals =
        workspace
            .existingApprovals()
            .orElseThrow(
                () ->
                    new AgentCliException(
                        ErrorCode.APPROVAL_NOT_FOUND,
                        "no grant with id " + id + " (there is no database yet)",
                        Map.of("approval_id", id)));
    Grant grant = approvals.show(approvalId);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("approval", Views.grantWithBinding(grant, approvals.now()));
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
