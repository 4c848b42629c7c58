package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.RefusalExplainer;
import dev.agentcli.codec.AtomicFile;
import dev.agentcli.codec.Json;
import dev.agentcli.config.OperatorConfig;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.exec.ExecOutcome;
import dev.agentcli.exec.RunResult;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.manifest.Policy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class ExecCommand extends BaseCommand {
  final TaskArguments target = new TaskArguments();
  final GrantOptions grant = new GrantOptions();
  final Asking asking = new Asking();
  boolean dryRun;
  Long timeoutMs;
  boolean passthrough;
  Path resultFile;
  boolean quiet;
  boolean verbose;

  @Override
  void declare(Definition d) {
    d.text(
        "Run a task through the gate: a manual task consumes one matching grant first (the oldest),"
            + " an auto-reject task never runs. The program runs directly, never through a shell, in"
            + " its bound working directory and environment.",
        "Exits with the task's own exit status; 124 when it timed out.");
    target.define(d);
    grant.define(d);
    asking.define(d);
    d.flag("--dry-run")
        .text("Show the binding and the grant that would be used; change nothing.")
        .to(v -> dryRun = v);
    d.option(Long.class, "--timeout")
        .label("<ms>")
        .text("Kill the task after this many ms (may shorten runtime.timeout_ms, not extend it).")
        .to(v -> timeoutMs = v);
    d.flag("--passthrough")
        .text(
            "The program reads this terminal's stdin and writes to its stdout and stderr live;"
                + " agentcli prints nothing on stdout (the result goes to the audit trail).")
        .to(v -> passthrough = v);
    d.option(Path.class, "--result-file")
        .label("<file>")
        .text(
            "Also write the outcome as JSON to this file (atomically; created 0600): \"ran\": true"
                + " with the result, or \"ran\": false with the refusal or error, whatever stopped"
                + " the command once its options were read. Only agentcli writes it, so a task's"
                + " own output can never pass for a refusal. Refused under an operator"
                + " configuration (agentcli writes as the operator's user there).")
        .to(v -> resultFile = v);
    d.flag("-q", "--quiet")
        .text(
            "Nothing on stdout but the task's own output, streamed; no summary (the exit status is"
                + " the task's, the result is in the audit trail).")
        .to(v -> quiet = v);
    d.flag("--verbose")
        .text("With --passthrough: print the result to stderr when the program ends.")
        .to(v -> verbose = v);
  }

  ExecCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Optional<ApprovalId> pinned = grant.pinned(services);
    TaskArguments.Resolved resolved = target.resolve(services, ctx);
    if (dryRun) {
      return dryRun(services, resolved, pinned);
    }
    if (resultFile != null && operatorMode()) {
      throw new AgentCliException(
          ErrorCode.CONFIG_OVERRIDE_REFUSED,
          "--result-file is refused under an operator configuration: agentcli runs as the"
              + " operator's user there, and would write a file of the caller's choosing (use the"
              + " JSON result on stdout instead)",
          Map.of("override", "--result-file", "value", resultFile.toString()));
    }
    TaskRunner.Mode mode =
        passthrough
            ? TaskRunner.Mode.PASSTHROUGH
            : global.text() || quiet ? TaskRunner.Mode.STREAM : TaskRunner.Mode.CAPTURE;
    Optional<Duration> timeout = timeout(timeoutMs);
    out().flush();
    err().flush();
    GatedRun.Outcome gated =
        GatedRun.run(
            services,
            resolved.task(),
            resolved.binding(),
            pinned,
            timeout,
            mode,
            ctx.stdout(),
            ctx.stderr(),
            asking.ask(ctx, waitingWatcher()));
    if (gated instanceof GatedRun.NotRun notRun) {
      throw target.withApproveHint(notRun.refusal().exception());
    }
    GatedRun.Ran ran = (GatedRun.Ran) gated;
    ExecOutcome outcome = ran.outcome();
    RunResult run = outcome.result();
    Map<String, Object> result = GatedRun.result(services, ran);
    writeResultFile(result, true);
    if (mode == TaskRunner.Mode.CAPTURE) {
      Output.json(out(), result);
    } else if (mode == TaskRunner.Mode.STREAM && !quiet) {
      summary(outcome, result); // after the task's own bytes, which went out as they came
    } else if (verbose) {
      err().println(Json.pretty(result));
      err().flush();
    }
    return run.exitStatus();
  }

  /** Whatever ended the command before or instead of a run, the result file says so. */
  @Override
  void failed(AgentCliException e) {
    writeResultFile(e.report(), false);
  }

  /**
   * Whether an operator configuration is in force (or a broken one: fail closed). Read again here,
   * apart from the services, because a failure can end the command before the services does.
   */
  private boolean operatorMode() {
    try {
      return OperatorConfig.load(ctx.operatorConfig()).isPresent();
    } catch (AgentCliException broken) {
      return true;
    }
  }

  /** Writes {@code --result-file}: to a temporary name in the same folder, then renamed. */
  private void writeResultFile(Map<String, Object> outcome, boolean ran) {
    if (resultFile == null || operatorMode()) {
      return;
    }
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("ran", ran);
    shown.putAll(outcome);
    Path target = ctx.cwd().resolve(resultFile);
    try {
      AtomicFile.write(target, Json.pretty(shown) + "\n");
    } catch (IOException | RuntimeException e) {
      err().println("agentcli: cannot write the result file " + target + ": " + e);
      err().flush();
    }
  }

  private void summary(ExecOutcome outcome, Map<String, Object> result) {
    RunResult run = outcome.result();
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
                + (run.interrupted()
                    ? "was stopped by SIG" + run.signal() + " sent to agentcli"
                    : run.timedOut() ? "timed out" : "exited " + run.exitCode())
                + " in "
                + run.durationMs()
                + " ms ("
                + grant
                + ", execution "
                + outcome.executionId()
                + ")");
    outcome.warnings().forEach(w -> err().println("agentcli: warning: " + w));
    err().flush();
  }

  private int dryRun(
      Services services, TaskArguments.Resolved resolved, Optional<ApprovalId> pinned) {
    Policy policy = resolved.task().approval().policy();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("dry_run", true);
    result.put("policy", policy.id());
    result.put("approval_required", policy == Policy.MANUAL);
    Optional<ApprovalService> approvals = services.existingApprovals();
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
        "rejected", attempt.map(a -> RefusalExplainer.rejections(a.rejected())).orElse(List.of()));
    result.put("command", Views.command(resolved.task(), resolved.binding()));
    result.put("binding", Json.parseObject(resolved.binding().json()));
    print(
        result,
        out -> {
          // For people: what would run and with which grant; the hashed binding is for JSON.
          Map<String, Object> shown = new LinkedHashMap<>(result);
          shown.remove("binding");
          match.ifPresent(g -> shown.put("would_use", Views.grantBrief(g, approvals.get().now())));
          Output.text(out, shown);
        });
    return 0;
  }
}
