package dev.agentcli.request;

import dev.agentcli.approval.RequestId;
import dev.agentcli.manifest.TaskHash;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where requests and their denials live: in the database of the grants and the audit trail, so that
 * every method joins the caller's {@link dev.agentcli.approval.Ledger#atomic} transaction.
 */
public interface RequestStore {
  void insert(Request request);

  /**
   * The oldest request of this exact binding that is undecided and not yet expired at {@code now}:
   * the one an agent asking again joins.
   */
  Optional<Request> pendingFor(String workflowId, String taskId, TaskHash taskHash, Instant now);

  /**
   * The newest request of this binding that still runs ({@code expires_at} after {@code now}), was
   * neither answered by a grant nor cancelled, and holds a denial (whether that denial counts is
   * the caller's to check).
   */
  Optional<Request> deniedFor(String workflowId, String taskId, TaskHash taskHash, Instant now);

  /**
   * The newest request of this binding that expired undecided by {@code now}: no decision, no
   * grant, not cancelled. An agent asking again after it hears that its last request expired.
   */
  Optional<Request> expiredFor(String workflowId, String taskId, TaskHash taskHash, Instant now);

  Optional<Request> find(RequestId requestId);

  /** The ids that start with {@code prefix}, at most {@code limit} of them. */
  List<String> idsStartingWith(String prefix, int limit);

  /** The request's denials, oldest first, as stored (their signatures are not checked here). */
  List<Denial> denials(RequestId requestId);

  void insert(Denial denial);

  /** Marks the request withdrawn at {@code at}. */
  void cancel(RequestId requestId, Instant at);

  /**
   * Requests past their deadline at {@code now} with no approval, denial, withdrawal or recorded
   * expiry: the expiries nobody has recorded yet, oldest first, at most {@code limit}.
   */
  List<Request> expiredUnrecorded(Instant now, int limit);

  /** Records that the request expired, as seen at {@code at}. */
  void recordExpiry(RequestId requestId, Instant at);

  /** The requests, newest first, at most {@code limit} (0: all). */
  void forEach(int limit, Consumer<Request> sink);

  /**
   * A number that changes whenever another connection commits to the database: what a waiting agent
   * watches, so that it reads the request again only when something happened.
   */
  long changes();
}
