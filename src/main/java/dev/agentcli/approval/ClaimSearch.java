package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the grant a claim may consume among the live ones of its binding, and why the others not.
 */
final class ClaimSearch {
  private final ApprovalStore grants;
  private final GrantCheck check;

  ClaimSearch(ApprovalStore grants, GrantCheck check) {
    this.grants = grants;
    this.check = check;
  }

  /**
   * Walks the live matching grants, oldest first, to the first that is usable: not recorded as
   * used, passing every rule, and with an intact trail since it was approved.
   */
  ClaimAttempt firstUsable(ClaimRequest request, ApprovalRules rules, Instant now) {
    List<ClaimAttempt.Rejection> rejected = new ArrayList<>();
    List<ClaimAttempt.Replay> replayed = new ArrayList<>();
    try (Stream<Grant> candidates = grants.claimable(request, now)) {
      for (Grant g : (Iterable<Grant>) candidates::iterator) {
        Optional<String> used = grants.recordedUse(g);
        if (used.isPresent()) {
          replayed.add(new ClaimAttempt.Replay(g, used.get()));
          continue;
        }
        Verdict verdict = check.judge(g, rules, now, () -> grants.cosignatures(g.approvalId()));
        if (!verdict.valid()) {
          rejected.add(new ClaimAttempt.Rejection(g, verdict));
          continue;
        }
        Optional<String> erased = grants.trailBrokenSince(g);
        if (erased.isPresent()) {
          replayed.add(new ClaimAttempt.Replay(g, erased.get()));
          continue;
        }
        return new ClaimAttempt(Optional.of(g), rejected, replayed);
      }
    }
    return new ClaimAttempt(Optional.empty(), rejected, replayed);
  }
}
