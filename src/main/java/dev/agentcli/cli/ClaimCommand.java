package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ClaimResult;
import dev.agentcli.approval.ExecutionId;
import dev.agentcli.approval.RefusalExplainer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

final class ClaimCommand extends BaseCommand {
  final TaskArguments target = new TaskArguments();
  final GrantOptions grant = new GrantOptions();
  String executionId;
  boolean quiet;

  @Override
  void declare(Definition d) {
    d.text(
        "Consume a grant for a task without running it, for shell scripts that run the task"
            + " themselves. Prints the consumed grant, or fails with approval_required (exit 77).");
    target.define(d);
    grant.define(d);
    d.option(String.class, "--execution-id")
        .label("<id>")
        .text("Recorded with the consumption (default: a new random id).")
        .to(v -> executionId = v);
    d.flag("-q", "--quiet")
        .text(
            "Print nothing on success (the exit status says it): for claim ... && ./deploy.sh."
                + " Errors still go to stderr.")
        .to(v -> quiet = v);
  }

  ClaimCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Optional<ApprovalId> pinned = grant.pinned(services);
    ExecutionId execution =
        executionId != null ? ExecutionId.of(executionId) : ExecutionId.random(ctx.random());
    TaskArguments.Resolved resolved = target.resolve(services, ctx);
    ClaimResult claim =
        services
            .approvals()
            .claim(resolved.task(), resolved.binding(), pinned, execution, Optional.empty());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    if (claim instanceof ClaimResult.Refused refused) {
      throw target.withApproveHint(refused.refusal().exception());
    } else if (claim instanceof ClaimResult.Claimed claimed) {
      services.rememberDigests();
      result.put("claimed", true);
      result.put("execution_id", execution.value());
      result.put("approval", Views.grant(claimed.grant(), services.approvals().now()));
      result.put("rejected", RefusalExplainer.rejections(claimed.rejected()));
    } else {
      result.put("claimed", false);
      result.put("approval_required", false);
      result.put("policy", resolved.task().approval().policy().id());
    }
    if (!quiet) {
      print(result, out -> Output.text(out, result));
    }
    return 0;
  }
}
