package dev.agentcli.cli;

import dev.agentcli.approval.ApprovalId;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which grant a claim may take, shared by claim and exec. */
final class GrantOptions {
  @Option(
      names = "--approval-id",
      paramLabel = "<id>",
      description = "Use exactly this grant; never fall back to another.")
  String approvalId;

  Optional<ApprovalId> pinned() {
    return Optional.ofNullable(approvalId).map(ApprovalId::new);
  }
}
