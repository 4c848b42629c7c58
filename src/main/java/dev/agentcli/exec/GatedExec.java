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
   * @param allowUnsigned accept grants unsigned by choice even where the task requires signatures
   * @param passthrough the program uses agentcli's stdin, stdout and stderr directly
   * @throws AgentCliException with the gate's code when it refuses
   */
  public ExecOutcome run(
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      Optional<Duration> timeout,
      boolean allowUnsigned,
      boolean passthrough) {
    Optional<Duration> limit = effectiveTimeout(binding, timeout);
    String executionId = ApprovalId.randomHex(random.get());
    ClaimResult claim = approvals.claim(task, binding, pinned, executionId, allowUnsigned);
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
    // Exactly one of exec_finished (the run ended) and exec_interrupted (agentcli was stopped
    // while it ran) is written; if agentcli is stopped, it waits for that write before exiting.
    AtomicBoolean recorded = new AtomicBoolean();
    CountDownLatch written = new CountDownLatch(1);
    Runnable onSignal =
        () -> {
          if (recorded.compareAndSet(false, true)) {
            audit.append(
                event("exec_interrupted", task, binding, approvalId, executionId)
                    .outcome("failed", "interrupted")
                    .detail(
                        "message",
                        "agentcli was stopped by a signal; the task's process tree was stopped")
                    .build());
            written.countDown();
          } else {
            awaitQuietly(written);
          }
        };
    RunResult result;
    try {
      result = runner.run(binding.command(), limit, passthrough, onSignal);
    } catch (AgentCliException e) {
      if (recorded.compareAndSet(false, true)) {
        audit.append(
            event("exec_finished", task, binding, approvalId, executionId)
                .outcome("failed", e.code().id())
                .detail("message", e.getMessage())
                .build());
      }
      written.countDown();
      throw e;
    }
    if (recorded.compareAndSet(false, true)) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("exit_code", result.exitCode());
      details.put("timed_out", result.timedOut());
      details.put("duration_ms", result.durationMs());
      details.put("passthrough", passthrough);
      details.put("stdout_sha256", result.stdout().sha256());
      details.put("stderr_sha256", result.stderr().sha256());
      String type = result.interrupted() ? "exec_interrupted" : "exec_finished";
      String code =
          result.interrupted()
              ? "interrupted"
              : result.timedOut() ? ErrorCode.TASK_TIMED_OUT.id() : null;
      audit.append(
          event(type, task, binding, approvalId, executionId)
              .outcome(code == null ? "ok" : "failed", code)
              .details(details)
              .build());
    }
    written.countDown();
    return new ExecOutcome(
        executionId, grant, claimed == null ? List.of() : claimed.rejected(), result);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
        .executionId(executionId);
  }
}
