package dev.agentcli.exec;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.ClaimResult;
import dev.agentcli.approval.Grant;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The gated-exec sequence: claim a grant (or learn none is needed), run the program, and audit the
 * start and the end. A grant is consumed before the program starts and stays consumed whatever
 * happens after: a crash never gives it back (fail closed).
 */
public final class GatedExec {
  private final ApprovalService approvals;
  private final AuditLog audit;
  private final TaskRunner runner;
  private final Supplier<SecureRandom> random;

  public GatedExec(
      ApprovalService approvals, AuditLog audit, TaskRunner runner, Supplier<SecureRandom> random) {
    this.approvals = approvals;
    this.audit = audit;
    this.runner = runner;
    this.random = random;
  }

  /**
   * Runs {@code task} if the gate lets it.
   *
   * @param timeout a limit shorter than the bound {@code runtime.timeout_ms}; empty for that one
   * @param passthrough the program uses agentcli's stdin, stdout and stderr directly
   * @throws AgentCliException with the gate's code when it refuses
   */
  public ExecOutcome run(
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      Optional<Duration> timeout,
      boolean passthrough) {
    Optional<Duration> limit = effectiveTimeout(binding, timeout);
    String executionId = ApprovalId.randomHex(random.get());
    ClaimResult claim = approvals.claim(task, binding, pinned, executionId);
    if (claim instanceof ClaimResult.Refused refused) {
      throw new AgentCliException(refused.code(), refused.message(), refused.details());
    }
    ClaimResult.Claimed claimed = claim instanceof ClaimResult.Claimed c ? c : null;
    Grant grant = claimed == null ? null : claimed.grant();
    String approvalId = grant == null ? null : grant.approvalId().value();
    audit.append(
        event("exec_started", task, binding, approvalId, executionId)
            .detail("argv_length", binding.command().argv().size())
            .detail("timeout_ms", limit.map(Duration::toMillis).orElse(null))
            .build());
    ClosingEvent closing = new ClosingEvent();
    Runnable onSignal =
        () -> {
          if (!closing.record(
              event("exec_interrupted", task, binding, approvalId, executionId)
                  .outcome("failed", "interrupted")
                  .detail(
                      "message",
                      "agentcli was stopped by a signal; the task's process tree was stopped")
                  .build())) {
            closing.awaitWritten();
          }
        };
    RunResult result;
    try {
      result = runner.run(binding.command(), limit, passthrough, onSignal);
    } catch (AgentCliException e) {
      closing.record(
          event("exec_finished", task, binding, approvalId, executionId)
              .outcome("failed", e.code().id())
              .detail("message", e.getMessage())
              .build());
      throw e;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("exit_code", result.exitCode());
    details.put("timed_out", result.timedOut());
    details.put("duration_ms", result.durationMs());
    details.put("passthrough", passthrough);
    details.put("stdout_sha256", result.stdout().sha256());
    details.put("stderr_sha256", result.stderr().sha256());
    String code =
        result.interrupted()
            ? "interrupted"
            : result.timedOut() ? ErrorCode.TASK_TIMED_OUT.id() : null;
    closing.record(
        event(
                result.interrupted() ? "exec_interrupted" : "exec_finished",
                task,
                binding,
                approvalId,
                executionId)
            .outcome(code == null ? "ok" : "failed", code)
            .details(details)
            .build());
    return new ExecOutcome(
        executionId, grant, claimed == null ? List.of() : claimed.rejected(), result);
  }

  /**
   * The run's one closing event: exec_finished when it ended, exec_interrupted when agentcli was
   * stopped while it ran. The main thread and the signal hook race to write it; the first wins, and
   * the hook waits for the winner's write before the JVM exits.
   */
  private final class ClosingEvent {
    private final AtomicBoolean recorded = new AtomicBoolean();
    private final CountDownLatch written = new CountDownLatch(1);

    /** Writes {@code event} unless the closing event was already taken; true if it wrote. */
    boolean record(AuditEvent event) {
      if (!recorded.compareAndSet(false, true)) {
        return false;
      }
      try {
        audit.append(event);
      } finally {
        written.countDown();
      }
      return true;
    }

    void awaitWritten() {
      try {
        written.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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

  private AuditEvent.Builder event(
      String type, Task task, TaskBinding binding, String approvalId, String executionId) {
    return AuditEvent.builder(type, approvals.now())
        .task(task.workflowId(), task.id(), binding.taskHash())
        .approvalId(approvalId)
        .executionId(executionId)
        .detail("manifest", task.origin().manifest())
        .detail("manifest_sha256", task.origin().sha256());
  }
}
