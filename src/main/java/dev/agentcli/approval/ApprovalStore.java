package dev.agentcli.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where grants live. Every method is atomic; implementations must never lose a written grant. */
public interface ApprovalStore {

  /** Stores a new grant durably; returns only once it is committed. */
  void insert(Grant grant);

  /**
   * Atomically finds the oldest live grant matching {@code request} and consumes it. "Live" is
   * judged against {@code clock} read inside the transaction, after the write lock is held.
   *
   * @return the consumed grant, or empty when none matched
   */
  Optional<Grant> claim(ClaimRequest request, Clock clock);

  /** The grant a claim would take now, without consuming it. */
  Optional<Grant> peek(ClaimRequest request, Instant now);

  Optional<Grant> find(ApprovalId id);

  List<Grant> list(GrantQuery query, Instant now);

  /** Revokes the grant unless it is unknown, consumed or revoked; decided in one transaction. */
  RevokeOutcome revoke(ApprovalId id, String revokedBy, String reason, Clock clock);
}
