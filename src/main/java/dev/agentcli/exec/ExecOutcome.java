package dev.agentcli.exec;

import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.Grant;
import java.util.List;

/**
 * A task that ran through the gate.
 *
 * @param approvalUsed the grant consumed for this run; null when the policy needs none
 * @param rejected older matching grants refused for their signature and left unconsumed
 * @param warnings what went wrong after the task ran (its end not recorded, say)
 */
public record ExecOutcome(
    String executionId,
    Grant approvalUsed,
    List<ClaimAttempt.Rejection> rejected,
    RunResult result,
    List<String> warnings)
    implements GatedExec.Result {
  public ExecOutcome {
    rejected = List.copyOf(rejected);
    warnings = List.copyOf(warnings);
  }
}
