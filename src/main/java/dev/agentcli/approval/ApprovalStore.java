package dev.agentcli.approval;

import dev.agentcli.audit.Anchor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where grants live. Each method is atomic on its own, and joins the caller's transaction inside
 * {@link Ledger#atomic}; implementations must never lose a written grant.
 */
public interface ApprovalStore {
  /**
   * A grant dated more than this after "now" comes from a clock that was wrong or set back: it is
   * not used until the clock catches up (fail closed).
   */
  Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** Stores a new grant; durable once the transaction commits. */
  void insert(Grant grant);

  /**
   * The live grants of the request's exact binding ({@link GrantStatus#PENDING} at {@code now},
   * dated at most {@link #CLOCK_SKEW} ahead), oldest first, or only the pinned one; read lazily, so
   * the caller closes the stream.
   */
  Stream<Grant> claimable(ClaimRequest request, Instant now);

  /**
   * What records that {@code grant} was used or revoked although its state columns say pending (a
   * consumptions or revocations row, an audit event of it): someone set it back by hand.
   */
  Optional<String> recordedUse(Grant grant);

  /**
   * Why the audit trail from {@code from} (an anchor taken before a grant was approved; the genesis
   * when empty) to its head no longer verifies, if it does not: a use erased by deleting or
   * blanking events leaves a broken link there.
   */
  Optional<String> trailBrokenSince(Optional<Anchor> from);

  /** Records the use of a pending grant at {@code at}; the grant as used. */
  Grant consume(Grant grant, ExecutionId executionId, Instant at);

  /** Records the revocation of a pending or expired grant at {@code at}; the grant as revoked. */
  Grant revoke(Grant grant, String revokedBy, String reason, Instant at);

  Optional<Grant> find(ApprovalId id);

  /** Keeps what the approver of grant {@code id} was shown (the command with its values). */
  void recordShown(ApprovalId id, Map<String, Object> shown);

  /** What the approver of grant {@code id} was shown, when it was kept. */
  Optional<Map<String, Object>> shown(ApprovalId id);

  /** The grant ids that start with {@code prefix}, at most {@code limit} of them. */
  List<String> idsStartingWith(String prefix, int limit);

  /** The co-signatures of a grant, oldest first, as stored (not verified here). */
  List<Cosignature> cosignatures(ApprovalId id);

  void insert(Cosignature cosignature);

  /** The grant that answers the request {@code requestId}, if one does. */
  Optional<Grant> findByRequest(RequestId requestId);

  /** The task's most recent grants, newest first, whatever their binding or status. */
  List<Grant> recentForTask(String workflowId, String taskId, int limit);

  /** Hands the grants {@code query} selects to {@code sink}, newest first, one at a time. */
  void forEach(GrantQuery query, Instant now, Consumer<Grant> sink);

  default List<Grant> list(GrantQuery query, Instant now) {
    List<Grant> grants = new ArrayList<>();
    forEach(query, now, grants::add);
    return grants;
  }

  /**
   * Where the state tables (consumed_at, revoked_at, consumptions, revocations) disagree with the
   * decisions the audit trail records, at most {@code limit} of them: each is an edit by hand.
   */
  List<String> disagreements(int limit);
}
