package dev.agentcli.exec;

import dev.agentcli.approval.Grant;

/**
 * A task that ran through the gate.
 *
 * @param approvalUsed the grant consumed for this run; null when the policy needs none
 */
public record ExecOutcome(String executionId, Grant approvalUsed, RunResult result) {}
