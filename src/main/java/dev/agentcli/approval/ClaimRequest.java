package dev.agentcli.approval;

import dev.agentcli.audit.Anchor;
import java.util.Optional;

/**
 * What a claim looks for: a live grant of this exact task binding, or exactly the pinned grant.
 *
 * @param pinned when present, only this grant may be used; there is no fallback to another
 * @param anchor the newest anchor recorded outside the database: the trail must still contain it,
 *     or nothing is consumed
 */
public record ClaimRequest(
    String workflowId,
    String taskId,
    String taskHash,
    Optional<ApprovalId> pinned,
    String executionId,
    Optional<Anchor> anchor) {

  public ClaimRequest(
      String workflowId,
      String taskId,
      String taskHash,
      Optional<ApprovalId> pinned,
      String executionId) {
    this(workflowId, taskId, taskHash, pinned, executionId, Optional.empty());
  }
}
