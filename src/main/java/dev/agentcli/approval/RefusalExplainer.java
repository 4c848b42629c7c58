package dev.agentcli.approval;

import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.BindingDiff;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why a claim found no grant it could use, from what the claim read: matching grants refused (and
 * why), grants whose use the database hides, or the task's recent grants (consumed, revoked,
 * expired; or the task changed since, and in which fields). Pure: it reads nothing itself.
 */
public final class RefusalExplainer {
  /** How many of the task's recent grants a refusal describes. */
  static final int NEAREST = 5;

  private RefusalExplainer() {}

  static Refusal autoRejected(Task task) {
    return new Refusal(
        ErrorCode.APPROVAL_AUTO_REJECTED,
        "task " + task.qualifiedId() + " is auto-reject: it never runs",
        Map.of("policy", task.approval().policy().id()));
  }

  /**
   * @param history the pinned grant when one was pinned (if it exists), else the task's {@link
   *     #NEAREST} most recent grants, newest first
   */
  static Refusal explain(
      Task task,
      TaskBinding binding,
      ClaimRequest request,
      ClaimAttempt attempt,
      List<Grant> history,
      Instant now) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("workflow_id", task.workflowId());
    details.put("task_id", task.id());
    details.put("task_hash", request.taskHash().value());
    List<ClaimAttempt.Rejection> rejected = attempt.rejected();
    if (!attempt.replayed().isEmpty() && rejected.isEmpty()) {
      List<String> ids =
          attempt.replayed().stream().map(r -> r.grant().approvalId().value()).toList();
      details.put("replayed", ids);
      return new Refusal(
          ErrorCode.APPROVAL_TAMPERED,
          "grant "
              + ids.get(0)
              + " shows as pending but "
              + attempt.replayed().get(0).evidence()
              + ": the database was edited; refusing",
          details);
    }
    if (!rejected.isEmpty()) {
      details.put("rejected", rejections(rejected));
      ClaimAttempt.Rejection first = rejected.get(0);
      return new Refusal(
          first.verdict().code(),
          rejected.size()
              + " matching grant(s) refused, none consumed; grant "
              + first.grant().approvalId()
              + ": "
              + first.verdict().reason(),
          details);
    }
    return request.pinned().isPresent()
        ? pinnedUnusable(task, binding, request.pinned().get(), history, now, details)
        : noneUsable(task, binding, history, now, details);
  }

  /** The refused grants as JSON-ready maps, for error details. */
  public static List<Map<String, Object>> rejections(List<ClaimAttempt.Rejection> rejected) {
    return rejected.stream()
        .map(
            r -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("approval_id", r.grant().approvalId().value());
              m.put("rule", r.verdict().rule());
              m.put("reason", r.verdict().reason());
              m.put("key_fingerprint", r.verdict().keyFingerprint());
              return m;
            })
        .toList();
  }

  private static Refusal pinnedUnusable(
      Task task,
      TaskBinding binding,
      ApprovalId id,
      List<Grant> history,
      Instant now,
      Map<String, Object> details) {
    details.put("approval_id", id.value());
    Optional<Grant> found = history.stream().filter(g -> g.approvalId().equals(id)).findFirst();
    String why;
    if (found.isEmpty()) {
      why = "no such grant";
    } else if (!found.get().workflowId().equals(task.workflowId())
        || !found.get().taskId().equals(task.id())) {
      why = "it approves task " + found.get().workflowId() + "/" + found.get().taskId();
    } else if (!found.get().taskHash().equals(binding.taskHash())) {
      why =
          "the task changed since it was approved: "
              + String.join(", ", BindingDiff.between(found.get().taskBinding(), binding.json()));
    } else {
      why = "it is " + found.get().status(now).id();
    }
    details.put("why", why);
    return new Refusal(
        ErrorCode.APPROVAL_REQUIRED, "grant " + id + " cannot be used: " + why, details);
  }

  private static Refusal noneUsable(
      Task task,
      TaskBinding binding,
      List<Grant> recent,
      Instant now,
      Map<String, Object> details) {
    if (recent.isEmpty()) {
      details.put("why", "no grant was ever approved for this task");
      return new Refusal(
          ErrorCode.APPROVAL_REQUIRED,
          "task " + task.qualifiedId() + " needs approval: no grant was ever approved for it",
          details);
    }
    List<Map<String, Object>> nearest = new ArrayList<>();
    for (Grant g : recent) {
      nearest.add(nearest(g, binding, now));
    }
    details.put("nearest", nearest);
    Grant latest = recent.get(0);
    @SuppressWarnings("unchecked")
    List<String> drift = (List<String>) nearest.get(0).get("drift");
    String why =
        drift.isEmpty()
            ? "its latest grant "
                + latest.approvalId()
                + " (by "
                + latest.approver()
                + ") is "
                + describe(latest, now)
            : "the task changed since it was last approved (grant "
                + latest.approvalId()
                + " by "
                + latest.approver()
                + "): "
                + String.join(", ", drift);
    details.put("why", why);
    return new Refusal(
        ErrorCode.APPROVAL_REQUIRED,
        "task " + task.qualifiedId() + " needs a new approval: " + why,
        details);
  }

  private static Map<String, Object> nearest(Grant g, TaskBinding binding, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approval_id", g.approvalId().value());
    m.put("status", g.status(now).id());
    m.put("approver", g.approver());
    m.put("granted_at", Timestamps.format(g.grantedAt()));
    m.put("expires_at", Timestamps.format(g.expiresAt()));
    if (g.consumption() != null) {
      m.put("consumed_at", Timestamps.format(g.consumption().consumedAt()));
      m.put("execution_id", g.consumption().executionId());
    }
    if (g.revocation() != null) {
      m.put("revoked_at", Timestamps.format(g.revocation().revokedAt()));
      m.put("revoked_by", g.revocation().revokedBy());
    }
    m.put(
        "drift",
        g.taskHash().equals(binding.taskHash())
            ? List.of()
            : BindingDiff.between(g.taskBinding(), binding.json()));
    return m;
  }

  private static String describe(Grant g, Instant now) {
    switch (g.status(now)) {
      case CONSUMED:
        return "consumed, at "
            + Timestamps.format(g.consumption().consumedAt())
            + " by execution "
            + g.consumption().executionId();
      case REVOKED:
        return "revoked, at "
            + Timestamps.format(g.revocation().revokedAt())
            + (g.revocation().revokedBy() == null ? "" : " by " + g.revocation().revokedBy());
      case EXPIRED:
        return "expired, at " + Timestamps.format(g.expiresAt());
      default:
        return g.grantedAt().isAfter(now.plus(ApprovalStore.CLOCK_SKEW))
            ? "dated in the future (granted_at "
                + Timestamps.format(g.grantedAt())
                + "): a clock was wrong; it is not used until the clock catches up"
            : "pending but could not be used";
    }
  }
}
