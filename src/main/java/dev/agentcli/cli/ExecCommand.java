package dev.agentcli.cli;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.Grant;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.exec.ExecOutcome;
import dev.agentcli.manifest.Policy;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "exec",
    description = {
      "Run a task through the gate: a manual task consumes one matching grant first (the oldest),"
          + " an auto-reject task never runs. The program runs directly, never through a shell, in"
          + " its bound working directory and environment.",
      "Exits with the task's own exit status; 124 when it timed out."
    })
final class ExecCommand extends BaseCommand {
  @Mixin TaskArguments target;

  @Mixin GrantOptions grant;

  @Option(
      names = "--dry-run",
      description = "Show the binding and the grant that would be used; change nothing.")
  boolean dryRun;

  @Option(
      names = "--timeout",
      paramLabel = "<ms>",
      description =
          "Kill the task after this many ms (may shorten runtime.timeout_ms, not extend it).")
  Long timeoutMs;

  @Option(
      names = "--passthrough",
      description =
          "The program reads this terminal's stdin and writes to its stdout and stderr live;"
              + " agentcli prints nothing on stdout (the result goes to the audit trail).")
  boolean passthrough;

  @Option(
      names = "--verbose",
      description = "With --passthrough: print the result to stderr when the program ends.")
  boolean verbose;

  ExecCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    Optional<ApprovalId> pinned = grant.pinned();
    TaskArguments.Resolved resolved = target.resolve(workspace, ctx);
    if (dryRun) {
      return dryRun(workspace, resolved, pinned);
    }
    ExecOutcome outcome;
    try {
      outcome =
          workspace
              .gatedExec()
              .run(
                  resolved.task(),
                  resolved.binding(),
                  pinned,
                  Optional.ofNullable(timeoutMs).map(Duration::ofMillis),
                  passthrough);
    } catch (AgentCliException e) {
      throw target.withApproveHint(e);
    }
    workspace.rememberDigests();
    Map<String, Object> result = new LinkedHashMap<>();
    boolean succeeded = outcome.result().exitCode() == 0 && !outcome.result().timedOut();
    result.put("ok", succeeded);
    result.put("execution_id", outcome.executionId());
    result.put("workflow_id", resolved.task().workflowId());
    result.put("task_id", resolved.task().id());
    result.put("task_hash", resolved.binding().taskHash());
    Grant used = outcome.approvalUsed();
    result.put(
        "approval_used", used == null ? null : Views.grant(used, used.consumption().consumedAt()));
    result.put("rejected", ApprovalService.rejections(outcome.rejected()));
    result.put("result", Views.result(outcome.result()));
    if (!passthrough) {
      print(result, out -> text(out, outcome, result));
    } else if (verbose) {
      err().println(Json.pretty(result));
      err().flush();
    }
    return outcome.result().timedOut()
        ? ErrorCode.TASK_TIMED_OUT.exitStatus()
        : outcome.result().exitCode();
  }

  private void text(PrintWriter out, ExecOutcome outcome, Map<String, Object> result) {
    out.print(outcome.result().stdout().text());
    err().print(outcome.result().stderr().text());
    String grant =
        outcome.approvalUsed() == null
            ? "no grant needed"
            : "grant "
                + outcome.approvalUsed().approvalId()
                + " by "
                + outcome.approvalUsed().approver();
    err()
        .println(
            "agentcli: "
                + result.get("workflow_id")
                + "/"
                + result.get("task_id")
                + " "
                + (outcome.result().timedOut()
                    ? "timed out"
                    : "exited " + outcome.result().exitCode())
                + " in "
                + outcome.result().durationMs()
                + " ms ("
                + grant
                + ", execution "
                + outcome.executionId()
                + ")");
    err().flush();
  }

  private int dryRun(
      Workspace workspace, TaskArguments.Resolved resolved, Optional<ApprovalId> pinned) {
    Policy policy = resolved.task().approval().policy();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("dry_run", true);
    result.put("policy", policy.id());
    result.put("approval_required", policy == Policy.MANUAL);
    Optional<ApprovalService> approvals = workspace.existingApprovals();
    Optional<ClaimAttempt> attempt =
        policy == Policy.MANUAL
            ? approvals.map(a -> a.peek(resolved.task(), resolved.binding(), pinned))
            : Optional.empty();
    Optional<Grant> match = attempt.flatMap(ClaimAttempt::claimed);
    result.put(
        "would_run",
        policy != Policy.AUTO_REJECT && (policy != Policy.MANUAL || match.isPresent()));
    result.put("would_use", match.map(g -> Views.grant(g, approvals.get().now())).orElse(null));
    result.put(
        "rejected", attempt.map(a -> ApprovalService.rejections(a.rejected())).orElse(List.of()));
    result.put("command", Views.command(resolved.task(), resolved.binding()));
    result.put("binding", Json.parseObject(resolved.binding().json()));
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
