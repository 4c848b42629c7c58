package dev.agentcli.approval;

import dev.agentcli.manifest.Policy;
import java.util.List;

/** The outcome of asking the gate to let a task run: a value, not an exception. */
public sealed interface ClaimResult {

  /**
   * A grant was consumed for this run.
   *
   * @param rejected older matching grants that failed verification and were left unconsumed
   */
  record Claimed(Grant grant, List<ClaimAttempt.Rejection> rejected) implements ClaimResult {}

  /** The task's policy needs no grant ({@code auto-approve} or no approval block). */
  record NotRequired(Policy policy) implements ClaimResult {}

  /** The gate says no, with the code and what would help. */
  record Refused(Refusal refusal) implements ClaimResult {}
}
