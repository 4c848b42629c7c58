package dev.agentcli.app;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.Refusal;
import dev.agentcli.approval.RefusalExplainer;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.Subject;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.exec.ExecOutcome;
import dev.agentcli.exec.GatedExec;
import dev.agentcli.exec.RunResult;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.manifest.Policy;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.RequestStatus;
import dev.agentcli.request.Requester;
import dev.agentcli.request.Waiting;
import dev.agentcli.request.WhatRuns;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one path by which exec, run and the agent adapters run a task: claim a grant and run, or,
 * when none is usable and the caller is willing to wait, file (or join) a request, wait for the
 * decision and run only on an approval. What it came to is an {@link Outcome}, which each adapter
 * maps once: nothing is thrown to steer it.
 */
public final class GatedRun {
  private GatedRun() {}

  /** How a caller asks when a run needs a person: why, as whom, how long it waits. */
  public record Ask(String reason, Requester requester, Duration patience, Watcher watcher) {}

  /** Told when a run starts waiting for a person's decision, and when the wait ends. */
  public interface Watcher {
    void waiting(RequestId requestId);

    /** Told, before {@link #waiting}, that the last request for the same expired undecided. */
    default void askedAgain(String notice) {}

    /** The people who approved so far, of the {@code quorum} the task asks for. */
    default void progress(List<String> approvers, int quorum) {}

    default void decided() {}
  }

  /** What a gated run came to. */
  public sealed interface Outcome permits Ran, NotRun {}

  /** The task ran, after a person approved {@code requestId} (null when it needed no request). */
  public record Ran(Task task, TaskBinding binding, ExecOutcome outcome, RequestId requestId)
      implements Outcome {}

  /** Nothing ran: the refusal says why, with a stable code. */
  public sealed interface NotRun extends Outcome permits Refused, Undecided {
    Refusal refusal();
  }

  /** The gate refused, or a person denied the request, or it expired or was withdrawn. */
  public record Refused(Refusal refusal) implements NotRun {}

  /** The caller's patience ended before anyone decided {@code requestId}, which stays pending. */
  public record Undecided(RequestId requestId, Refusal refusal) implements NotRun {}

  public static Outcome run(
      Services services,
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      Optional<Duration> timeout,
      TaskRunner.Mode mode,
      OutputStream out,
      OutputStream err,
      Optional<Ask> ask) {
    GatedExec.Result first = exec(services, task, binding, pinned, timeout, mode, out, err);
    if (first instanceof ExecOutcome ran) {
      return new Ran(task, binding, ran, null);
    }
    Refusal refusal = ((GatedExec.NotRun) first).refusal();
    if (refusal.code() != ErrorCode.APPROVAL_REQUIRED || ask.isEmpty() || pinned.isPresent()) {
      return new Refused(refusal);
    }
    RequestService.Filed filed =
        file(services, task, binding, ask.get().reason(), ask.get().requester());
    RequestId requestId = filed.request().requestId();
    if (filed.expired().isPresent()) {
      ask.get().watcher().askedAgain(filed.expiredNotice());
    }
    ask.get().watcher().waiting(requestId);
    RequestService.State state;
    try {
      state =
          services
              .waiting()
              .await(
                  requestId,
                  ask.get().patience(),
                  services::notifyExpiring,
                  s -> ask.get().watcher().progress(s.approvers(), s.quorum()));
    } finally {
      ask.get().watcher().decided();
    }
    if (!state.status().settled()) {
      return new Undecided(
          requestId, withNotice(Waiting.undecided(state, ask.get().patience()), filed));
    }
    if (state.status() != RequestStatus.APPROVED) {
      return new Refused(withNotice(Waiting.refusal(state), filed));
    }
    ApprovalId approved = state.grant().get().approvalId();
    GatedExec.Result second =
        exec(services, task, binding, Optional.of(approved), timeout, mode, out, err);
    return second instanceof ExecOutcome ran
        ? new Ran(task, binding, ran, requestId)
        : new Refused(((GatedExec.NotRun) second).refusal());
  }

  /** {@code refusal}, saying also that the last request for the same expired, if it did. */
  private static Refusal withNotice(Refusal refusal, RequestService.Filed filed) {
    if (filed.expired().isEmpty()) {
      return refusal;
    }
    Map<String, Object> details = new LinkedHashMap<>(refusal.details());
    details.put("expired_request_id", filed.expired().get().requestId().value());
    return new Refusal(
        refusal.code(), refusal.message() + " (" + filed.expiredNotice() + ")", details);
  }

  /** Files (or joins) the request for {@code task} as it is bound here. */
  public static RequestService.Filed file(
      Services services, Task task, TaskBinding binding, String reason, Requester requester) {
    Policy policy = task.approval().policy();
    if (policy != Policy.MANUAL) {
      throw new AgentCliException(
          ErrorCode.POLICY_FORBIDS_APPROVAL,
          "task "
              + task.qualifiedId()
              + " has policy "
              + policy.id()
              + ": "
              + (policy == Policy.AUTO_REJECT
                  ? "it never runs, and no request can change that"
                  : "it runs without approval"),
          Map.of("policy", policy.id()));
    }
    services.trust().refuseImpersonation(requester);
    RequestService.Filed filed =
        services
            .requests()
            .file(
                Subject.of(task, binding),
                WhatRuns.of(task, binding),
                reason,
                requester,
                Duration.ofSeconds(task.approval().requestTimeoutS()));
    services.rememberDigests();
    services.notifyCommitted(); // people hear of the request now, not when the wait ends
    return filed;
  }

  /** What a run reports: the task, its outcome, the grant it used and what was passed over. */
  public static Map<String, Object> result(Services services, Ran ran) {
    Map<String, Object> result = new LinkedHashMap<>();
    RunResult run = ran.outcome().result();
    result.put("ok", run.exitCode() == 0 && !run.timedOut() && !run.interrupted());
    result.put("execution_id", ran.outcome().executionId());
    result.put("workflow_id", ran.task().workflowId());
    result.put("task_id", ran.task().id());
    result.put("task_hash", ran.binding().taskHash().value());
    if (ran.requestId() != null) {
      result.put("request_id", ran.requestId().value());
    }
    Grant used = ran.outcome().approvalUsed();
    result.put(
        "approval_used", used == null ? null : Views.grant(used, services.approvals().now()));
    result.put("rejected", RefusalExplainer.rejections(ran.outcome().rejected()));
    result.put("result", Views.result(run));
    result.put("warnings", ran.outcome().warnings());
    return result;
  }

  private static GatedExec.Result exec(
      Services services,
      Task task,
      TaskBinding binding,
      Optional<ApprovalId> pinned,
      Optional<Duration> timeout,
      TaskRunner.Mode mode,
      OutputStream out,
      OutputStream err) {
    GatedExec.Result result =
        services.gatedExec().run(task, binding, pinned, timeout, mode, out, err);
    if (result instanceof ExecOutcome) {
      services.rememberDigests(); // a refused command leaves the database as it was
    }
    return result;
  }
}
