package dev.agentcli.approval;

import dev.agentcli.audit.AnchorFile;
import dev.agentcli.manifest.ApprovalRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the grant a claim may consume among the live ones of its binding, and why the others not.
 */
final class ClaimSearch {
  /**
   * How far before a grant's approval the re-verified stretch of the trail starts: clocks of the
   * approver's and this host that disagree, or one stepped back.
   */
  static final Duration MARGIN = Duration.ofMinutes(1);

  private final ApprovalStore grants;
  private final GrantCheck check;
  private final AnchorFile anchors;

  ClaimSearch(ApprovalStore grants, GrantCheck check, AnchorFile anchors) {
    this.grants = grants;
    this.check = check;
    this.anchors = anchors;
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
        // From the newest anchor taken before it was approved: every use or revocation of it
        // lies after that point, which no writer of the database can move.
        Optional<String> erased =
            grants.trailBrokenSince(
                anchors.startFor(g.approvalId().value(), g.grantedAt(), MARGIN));
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
