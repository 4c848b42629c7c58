package dev.agentcli.approval;

import dev.agentcli.manifest.TaskHash;
import java.util.Optional;

/**
 * What a claim looks for: a live grant of this exact task binding, or exactly the pinned grant.
 *
 * @param pinned when present, only this grant may be used; there is no fallback to another
 */
public record ClaimRequest(
    String workflowId, String taskId, TaskHash taskHash, Optional<ApprovalId> pinned) {}
