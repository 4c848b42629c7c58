package dev.agentcli.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Where grants live. Every method is atomic; implementations must never lose a written grant. */
public interface ApprovalStore {
  /**
   * A grant dated more than this after "now" comes from a clock that was wrong or set back: it is
   * not used until the clock catches up (fail closed).
   */
  Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** Stores a new grant durably; returns only once it is committed. */
  void insert(Grant grant);

  /** Inserts {@code grant}; {@code alsoRecord} runs in the same transaction (its audit event). */
  void insert(Grant grant, Runnable alsoRecord);

  /**
   * Atomically finds the oldest live grant matching {@code request} that passes {@code check}, and
   * consumes it. "Live" is judged against {@code clock} read inside the transaction, after the
   * write lock is held; {@code check} runs inside it too, so a grant is never consumed before it is
   * verified. Grants that fail the check are left untouched and reported.
   */
  default ClaimAttempt claim(ClaimRequest request, Clock clock, ClaimAttempt.Check check) {
    return claim(request, clock, check, attempt -> {});
  }

  /**
   * As {@link #claim(ClaimRequest, Clock, ClaimAttempt.Check)}, and calls {@code record} with the
   * outcome inside the same transaction, before it commits: what {@code record} writes (the audit
   * of the decision) commits atomically with the consumption, or not at all.
   */
  ClaimAttempt claim(
      ClaimRequest request, Clock clock, ClaimAttempt.Check check, Consumer<ClaimAttempt> record);

  /** What a claim would do now, without consuming anything. */
  ClaimAttempt peek(ClaimRequest request, Instant now, ClaimAttempt.Check check);

  Optional<Grant> find(ApprovalId id);

  /** The task's most recent grants, newest first, whatever their binding or status. */
  List<Grant> recentForTask(String workflowId, String taskId, int limit);

  /** Hands the grants {@code query} selects to {@code sink}, newest first, one at a time. */
  void forEach(GrantQuery query, Instant now, Consumer<Grant> sink);

  default List<Grant> list(GrantQuery query, Instant now) {
    List<Grant> grants = new java.util.ArrayList<>();
    forEach(query, now, grants::add);
    return grants;
  }

  /** Revokes the grant unless it is unknown, consumed or revoked; decided in one transaction. */
  default RevokeOutcome revoke(ApprovalId id, String revokedBy, String reason, Clock clock) {
    return revoke(id, revokedBy, reason, clock, revoked -> {});
  }

  /**
   * Like {@link #revoke(ApprovalId, String, String, Clock)}, and {@code alsoRecord} gets the
   * revoked grant inside the same transaction (to write its audit event): the revocation and its
   * record commit together, so no reader ever sees one without the other.
   */
  RevokeOutcome revoke(
      ApprovalId id, String revokedBy, String reason, Clock clock, Consumer<Grant> alsoRecord);

  /**
   * Where the state tables (consumed_at, revoked_at, consumptions, revocations) disagree with the
   * decisions the audit trail records, at most {@code limit} of them: each is an edit by hand.
   */
  List<String> disagreements(int limit);
}
