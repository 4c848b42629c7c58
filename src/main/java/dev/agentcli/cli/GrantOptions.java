package dev.agentcli.cli;

import dev.agentcli.app.Services;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.Map;
import java.util.Optional;

/** Which grant a claim may take, shared by claim and exec. */
final class GrantOptions implements Definition.Defined {
  String approvalId;

  @Override
  public void define(Definition d) {
    d.option(String.class, "--approval-id")
        .label("<id>")
        .text("Use exactly this grant; never fall back to another.")
        .to(v -> approvalId = v);
  }

  /** The grant --approval-id names (a unique prefix of 8 or more digits will do). */
  Optional<ApprovalId> pinned(Services services) {
    if (approvalId == null) {
      return Optional.empty();
    }
    if (approvalId.length() == 32) {
      return Optional.of(new ApprovalId(approvalId));
    }
    return Optional.of(
        services
            .existingApprovals()
            .orElseThrow(
                () ->
                    new AgentCliException(
                        ErrorCode.APPROVAL_NOT_FOUND,
                        "no approval with id " + approvalId + " (there is no database yet)",
                        Map.of("approval_id", approvalId)))
            .resolve(approvalId));
  }
}
