package dev.agentcli.cli;

import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.GrantStatus;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List grants, newest first, with their effective status.")
final class ApprovalsListCommand extends BaseCommand {
  @Option(
      names = "--status",
      paramLabel = "<status>",
      defaultValue = "all",
      description = "pending, consumed, expired, revoked or all (default: all).")
  String status;

  @Option(names = "--workflow", paramLabel = "<id>", description = "Only grants of this workflow.")
  String workflow;

  @Option(names = "--task", paramLabel = "<id>", description = "Only grants of this task.")
  String task;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      defaultValue = "1000",
      description = "At most this many grants (default: ${DEFAULT-VALUE}).")
  int limit;

  ApprovalsListCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    GrantQuery query =
        new GrantQuery(statusFilter(), Optional.ofNullable(workflow), Optional.ofNullable(task), limit());
    Optional<ApprovalService> approvals = workspace.existingApprovals();
    List<Map<String, Object>> rows =
        approvals
            .map(a -> a.list(query).stream().map(g -> Views.grant(g, a.now())).toList())
            .orElse(List.of());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("count", rows.size());
    result.put("approvals", rows);
    print(
        result,
        out ->
            Output.table(
                out,
                rows,
                List.of("approval_id", "status", "workflow_id", "task_id", "approver", "expires_at")));
    return 0;
  }

  private Optional<GrantStatus> statusFilter() {
    if (status.equals("all")) {
      return Optional.empty();
    }
    try {
      return Optional.of(GrantStatus.valueOf(status.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "--status must be pending, consumed, expired, revoked or all, not '" + status + "'",
          Map.of("status", status));
    }
  }

  private int limit() {
    if (limit < 1) {
      throw new AgentCliException(ErrorCode.INPUT_INVALID, "--limit must be at least 1");
    }
    return limit;
  }
}
