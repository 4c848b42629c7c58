package dev.agentcli.approval;

import java.util.List;
import java.util.Optional;

/**
 * What a claim found: the grant it may consume (if any), the matching grants it refused to consume,
 * oldest first, each with the reason, and the grants that look pending although their use or
 * revocation is recorded (the database was edited to re-use them), each with what records it.
 */
public record ClaimAttempt(
    Optional<Grant> claimed, List<Rejection> rejected, List<Replay> replayed) {
  public ClaimAttempt {
    rejected = List.copyOf(rejected);
    replayed = List.copyOf(replayed);
  }

  /** A matching grant that failed its check; it is left as it was. */
  public record Rejection(Grant grant, Verdict verdict) {}

  /** A grant whose state columns say pending although its use or revocation is recorded. */
  public record Replay(Grant grant, String evidence) {}
}
