package dev.agentcli.exec;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.ClaimResult;
import dev.agentcli.approval.ExecutionId;
import dev.agentcli.approval.GateEvents;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.Refusal;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.profile.Phases;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gated-exec sequence: claim a grant (or learn none is needed) and record the run's start in
 * the same transaction, run the program, record the end. A grant is consumed only together with its
 * run's start and stays consumed whatever happens after: a crash never gives it back (fail closed),
 * and nothing after the claim is reported as retryable.
 */
public final class GatedExec {
  /** What a gated exec came to: the task ran, or the gate refused before anything ran. */
  public sealed interface Result permits ExecOutcome, NotRun {}

  /** The gate's refusal: nothing ran, no grant was used. */
  public record NotRun(Refusal refusal) implements Result {}

  private final ApprovalService approvals;
  private final AuditLog audit;
  private final TaskRunner runner;
  private final Supplier<SecureRandom> random;
  private final Runnable onStart;

  /**
   * @param onStart what to do once a run's start is committed, before the program runs: tell the
   *     people who wait to hear of it (notifications), not only when the run ends
   */
  public GatedExec(
      ApprovalService approvals,
      AuditLog audit,
      TaskRunner runner,
      Supplier<SecureRandom> random,
      Runnable onStart) {
    this.approvals = approvals;
    this.audit = audit;
    this.runner = runner;
    this.random = random;
    this.onStart = onStart;
  }

  /**
   * Runs {@code task} if the gate lets it.
   *
   * @param timeout a limit shorter than the bound {@code runtime.timeout_ms}; empty for that one
   * @param mode how the task's output is handled; {@code out} and {@code err} receive it in {@link
   *     TaskRunner.Mode#STREAM}
   * @return the run, or the gate's refusal
   */
  public Result run(
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      Optional<Duration> timeout,
      TaskRunner.Mode mode,
      OutputStream out,
      OutputStream err) {
    Optional<Duration> limit = effectiveTimeout(binding, timeout);
    ExecutionId executionId = ExecutionId.random(random.get());
    GateEvents events = new GateEvents(task, binding);
    Map<String, Object> started = new LinkedHashMap<>();
    started.put("argv_length", binding.command().args().size() + 1);
    started.put("timeout_ms", limit.map(Duration::toMillis).orElse(null));
    Phases.mark("before_claim");
    ClaimResult claim = approvals.claim(task, binding, pinned, executionId, Optional.of(started));
    Phases.mark("claimed");
    if (claim instanceof ClaimResult.Refused refused) {
      return new NotRun(refused.refusal());
    }
    Grant grant = claim instanceof ClaimResult.Claimed c ? c.grant() : null;
    String approvalId = grant == null ? null : grant.approvalId().value();
    if (grant == null) {
      // No grant is at stake: a failure to record the start is retryable, and nothing ran.
      audit.append(events.started(approvals.now(), null, executionId, started));
    }
    List<String> warnings = new ArrayList<>();
    try {
      onStart.run();
    } catch (RuntimeException e) {
      // The grant is used: the run goes on whatever became of the news of its start.
      warnings.add("the start of the run was not announced: " + e.getMessage());
    }
    RunResult result;
    try {
      result = runner.run(binding.command(), limit, mode, out, err);
      Phases.mark("program_ran");
    } catch (AgentCliException e) {
      record(
          warnings,
          events.ended(
              approvals.now(),
              false,
              approvalId,
              executionId,
              e.code().id(),
              Collections.singletonMap("message", e.getMessage())));
      throw e;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("exit_code", result.exitCode());
    details.put("timed_out", result.timedOut());
    details.put("signal", result.signal());
    details.put("duration_ms", result.durationMs());
    details.put("output", mode.name().toLowerCase(Locale.ROOT));
    details.put("stdout_bytes", result.stdout().bytes());
    details.put("stderr_bytes", result.stderr().bytes());
    details.put("stdout_sha256", result.stdout().sha256());
    details.put("stderr_sha256", result.stderr().sha256());
    String code =
        result.interrupted()
            ? "interrupted"
            : result.timedOut() ? ErrorCode.TASK_TIMED_OUT.id() : null;
    record(
        warnings,
        events.ended(
            approvals.now(), result.interrupted(), approvalId, executionId, code, details));
    Phases.mark("end_recorded");
    List<ClaimAttempt.Rejection> rejected =
        claim instanceof ClaimResult.Claimed c ? c.rejected() : List.of();
    return new ExecOutcome(executionId.value(), grant, rejected, result, warnings);
  }

  /**
   * Writes the run's closing event. The task has run by now, so a database that is busy or full
   * does not turn the outcome into an error (a retry would find the grant used): the run is
   * reported as it happened, with a warning, and the trail shows it as started, never finished.
   */
  private void record(List<String> warnings, AuditEvent event) {
    try {
      audit.append(event);
    } catch (AgentCliException e) {
      warnings.add(
          "the end of this run was not recorded in the audit trail ("
              + e.code().id()
              + "): "
              + e.getMessage());
    }
  }

  private static Optional<Duration> effectiveTimeout(
      TaskBinding binding, Optional<Duration> asked) {
    Long bound = binding.command().timeoutMs();
    if (asked.isPresent() && asked.get().toMillis() <= 0) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID, "--timeout must be a positive number of ms");
    }
    if (bound == null) {
      return asked;
    }
    if (asked.isPresent() && asked.get().toMillis() > bound) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "--timeout may shorten the task's runtime.timeout_ms (" + bound + " ms), not extend it",
          Map.of("timeout_ms", bound));
    }
    return Optional.of(asked.orElse(Duration.ofMillis(bound)));
  }
}
