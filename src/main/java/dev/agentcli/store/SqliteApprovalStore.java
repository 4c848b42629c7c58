package dev.agentcli.store;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalStore;
import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.RevokeOutcome;
import dev.agentcli.approval.Verdict;
import dev.agentcli.codec.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Grants, consumptions and revocations in SQLite. */
public final class SqliteApprovalStore implements ApprovalStore {
  private static final String SELECT_GRANT =
      "SELECT g.*, c.execution_id, r.revoked_by, r.reason AS revoke_reason"
          + " FROM grants g"
          + " LEFT JOIN consumptions c ON c.approval_id = g.approval_id"
          + " LEFT JOIN revocations r ON r.approval_id = g.approval_id";

  /** Every grant with its status against a given now: the grant_status view's precedence. */
  private static final String WITH_STATUS =
      "SELECT * FROM (SELECT g.*, c.execution_id, r.revoked_by, r.reason AS revoke_reason,"
          + " CASE WHEN g.revoked_at IS NOT NULL THEN 'revoked'"
          + " WHEN g.consumed_at IS NOT NULL THEN 'consumed'"
          + " WHEN g.expires_at <= ? THEN 'expired' ELSE 'pending' END AS status"
          + " FROM grants g"
          + " LEFT JOIN consumptions c ON c.approval_id = g.approval_id"
          + " LEFT JOIN revocations r ON r.approval_id = g.approval_id)"
          + " WHERE 1 = 1";

  /**
   * Pinned to the grants_claimable partial index: flat cost however long the history. (Without
   * statistics the planner would pick grants_by_task for the granted_at term and walk the whole
   * history of the task; INDEXED BY also turns any future mismatch into an error, not a slow scan.)
   */
  private static final String CLAIMABLE =
      SELECT_GRANT.replace("FROM grants g", "FROM grants g INDEXED BY grants_claimable")
          + " WHERE g.workflow_id = ? AND g.task_id = ? AND g.task_hash = ?"
          + " AND g.consumed_at IS NULL AND g.revoked_at IS NULL AND g.expires_at > ?"
          + " AND g.granted_at <= ?";

  private final Database db;

  public SqliteApprovalStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(Grant g) {
    insert(g, () -> {});
  }

  @Override
  public void insert(Grant g, Runnable alsoRecord) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO grants (approval_id, record_version, workflow_id, task_id, task_hash,"
                      + " task_binding, risk_level, approver_scope, approver, reason, granted_at,"
                      + " expires_at, unsigned_explicit, signature_method,"
                      + " signature_key_fingerprint, signature_namespace, signed_payload, signature)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Grant.Signature sig = g.signature();
            ps.setString(1, g.approvalId().value());
            ps.setInt(2, g.recordVersion());
            ps.setString(3, g.workflowId());
            ps.setString(4, g.taskId());
            ps.setString(5, g.taskHash());
            ps.setString(6, g.taskBinding());
            ps.setString(7, g.riskLevel());
            ps.setString(8, g.approverScope());
            ps.setString(9, g.approver());
            ps.setString(10, g.reason());
            ps.setString(11, Timestamps.format(g.grantedAt()));
            ps.setString(12, Timestamps.format(g.expiresAt()));
            ps.setInt(13, g.unsignedExplicit() ? 1 : 0);
            ps.setString(14, sig == null ? null : sig.method());
            ps.setString(15, sig == null ? null : sig.keyFingerprint());
            ps.setString(16, sig == null ? null : sig.namespace());
            ps.setString(17, sig == null ? null : sig.signedPayload());
            ps.setString(18, sig == null ? null : sig.signature());
            ps.executeUpdate();
          }
          alsoRecord.run();
          return null;
        });
  }

  @Override
  public ClaimAttempt claim(
      ClaimRequest request, Clock clock, ClaimAttempt.Check check, Consumer<ClaimAttempt> record) {
    return db.inTransaction(
        c -> {
          // Read inside the transaction, after BEGIN IMMEDIATE took the write lock: a grant that
          // expired while this process waited for the lock is not used.
          Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
          if (request.anchor().isPresent()) {
            DecisionHistory.refuseUnlessAnchored(c, request.anchor().get(), db.file());
          }
          ClaimAttempt found = firstAccepted(c, request, now, check);
          if (found.claimed().isEmpty()) {
            record.accept(found);
            return found;
          }
          String id = found.claimed().get().approvalId().value();
          String at = Timestamps.format(now);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO consumptions (approval_id, execution_id, consumed_at) VALUES (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, request.executionId());
            ps.setString(3, at);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE grants SET consumed_at = ? WHERE approval_id = ? AND consumed_at IS NULL")) {
            ps.setString(1, at);
            ps.setString(2, id);
            if (ps.executeUpdate() != 1) {
              throw new SQLException("grant " + id + " changed under the write lock");
            }
          }
          Grant consumed =
              found
                  .claimed()
                  .get()
                  .withConsumption(new Grant.Consumption(request.executionId(), now));
          ClaimAttempt claimed =
              new ClaimAttempt(Optional.of(consumed), found.rejected(), found.replayed());
          record.accept(claimed);
          return claimed;
        });
  }

  @Override
  public ClaimAttempt peek(ClaimRequest request, Instant now, ClaimAttempt.Check check) {
    return db.read(c -> firstAccepted(c, request, now, check));
  }

  /**
   * Walks the live matching grants, oldest first, until one passes {@code check} and its history. A
   * grant whose use or revocation is recorded anywhere (a consumptions or revocations row, an audit
   * event of it), or whose stretch of the audit trail since it was approved no longer verifies, is
   * skipped whatever its state columns say: someone set it back to pending.
   */
  private static ClaimAttempt firstAccepted(
      Connection c, ClaimRequest request, Instant now, ClaimAttempt.Check check)
      throws SQLException {
    List<ClaimAttempt.Rejection> rejected = new ArrayList<>();
    List<ClaimAttempt.Replay> replayed = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(claimableSql(request.pinned().isPresent()))) {
      ps.setString(1, request.workflowId());
      ps.setString(2, request.taskId());
      ps.setString(3, request.taskHash());
      ps.setString(4, Timestamps.format(now));
      ps.setString(5, Timestamps.format(now.plus(ApprovalStore.CLOCK_SKEW)));
      if (request.pinned().isPresent()) {
        ps.setString(6, request.pinned().get().value());
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Grant candidate = grant(rs);
          Optional<String> decided = DecisionHistory.decided(c, candidate);
          if (decided.isPresent()) {
            replayed.add(new ClaimAttempt.Replay(candidate, decided.get()));
            continue;
          }
          Verdict verdict = check.check(candidate);
          if (!verdict.valid()) {
            rejected.add(new ClaimAttempt.Rejection(candidate, verdict));
            continue;
          }
          Optional<String> broken = DecisionHistory.trailSince(c, candidate);
          if (broken.isPresent()) {
            replayed.add(new ClaimAttempt.Replay(candidate, broken.get()));
            continue;
          }
          return new ClaimAttempt(Optional.of(candidate), rejected, replayed);
        }
      }
    }
    return new ClaimAttempt(Optional.empty(), rejected, replayed);
  }

  /** The live grants of one task binding, oldest first, or only the pinned one. */
  static String claimableSql(boolean pinned) {
    return CLAIMABLE + (pinned ? " AND g.approval_id = ?" : "") + " ORDER BY g.granted_at, g.rowid";
  }

  @Override
  public Optional<Grant> find(ApprovalId id) {
    return db.read(c -> find(c, id.value()));
  }

  @Override
  public List<Grant> recentForTask(String workflowId, String taskId, int limit) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  SELECT_GRANT
                      + " WHERE g.workflow_id = ? AND g.task_id = ? ORDER BY g.granted_at DESC LIMIT ?")) {
            ps.setString(1, workflowId);
            ps.setString(2, taskId);
            ps.setInt(3, limit);
            List<Grant> grants = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                grants.add(grant(rs));
              }
            }
            return grants;
          }
        });
  }

  private static Optional<Grant> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT_GRANT + " WHERE g.approval_id = ?")) {
      ps.setString(1, id);
      return one(ps);
    }
  }

  @Override
  public void forEach(GrantQuery query, Instant now, Consumer<Grant> sink) {
    StringBuilder sql = new StringBuilder(WITH_STATUS);
    List<String> params = new ArrayList<>();
    params.add(Timestamps.format(now));
    query.status().ifPresent(s -> filter(sql, params, "status", s.id()));
    query.workflowId().ifPresent(w -> filter(sql, params, "workflow_id", w));
    query.taskId().ifPresent(t -> filter(sql, params, "task_id", t));
    sql.append(" ORDER BY granted_at DESC, approval_id LIMIT ?");
    db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
              ps.setString(i + 1, params.get(i));
            }
            ps.setInt(params.size() + 1, query.limit() > 0 ? query.limit() : -1);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(grant(rs));
              }
            }
            return null;
          }
        });
  }

  private static void filter(StringBuilder sql, List<String> params, String column, String value) {
    sql.append(" AND ").append(column).append(" = ?");
    params.add(value);
  }

  @Override
  public RevokeOutcome revoke(
      ApprovalId id, String revokedBy, String reason, Clock clock, Consumer<Grant> alsoRecord) {
    return db.inTransaction(
        c -> {
          Optional<Grant> found = find(c, id.value());
          if (found.isEmpty()) {
            return RevokeOutcome.NOT_FOUND;
          }
          if (found.get().revocation() != null) {
            return RevokeOutcome.ALREADY_REVOKED;
          }
          if (found.get().consumption() != null) {
            return RevokeOutcome.ALREADY_CONSUMED;
          }
          String at = Timestamps.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO revocations (approval_id, revoked_by, reason, revoked_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id.value());
            ps.setString(2, revokedBy);
            ps.setString(3, reason);
            ps.setString(4, at);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement("UPDATE grants SET revoked_at = ? WHERE approval_id = ?")) {
            ps.setString(1, at);
            ps.setString(2, id.value());
            ps.executeUpdate();
          }
          alsoRecord.accept(find(c, id.value()).orElseThrow());
          return RevokeOutcome.REVOKED;
        });
  }

  private static Optional<Grant> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
    }
  }

  private static Grant grant(ResultSet rs) throws SQLException {
    String method = rs.getString("signature_method");
    Instant consumedAt = Timestamps.parse(rs.getString("consumed_at"));
    Instant revokedAt = Timestamps.parse(rs.getString("revoked_at"));
    return new Grant(
        new ApprovalId(rs.getString("approval_id")),
        rs.getInt("record_version"),
        rs.getString("workflow_id"),
        rs.getString("task_id"),
        rs.getString("task_hash"),
        rs.getString("task_binding"),
        rs.getString("risk_level"),
        rs.getString("approver_scope"),
        rs.getString("approver"),
        rs.getString("reason"),
        Timestamps.parse(rs.getString("granted_at")),
        Timestamps.parse(rs.getString("expires_at")),
        rs.getInt("unsigned_explicit") == 1,
        method == null
            ? null
            : new Grant.Signature(
                method,
                rs.getString("signature_key_fingerprint"),
                rs.getString("signature_namespace"),
                rs.getString("signed_payload"),
                rs.getString("signature")),
        consumedAt == null ? null : new Grant.Consumption(rs.getString("execution_id"), consumedAt),
        revokedAt == null
            ? null
            : new Grant.Revocation(
                rs.getString("revoked_by"), rs.getString("revoke_reason"), revokedAt));
  }

  /** Each check names one way the state tables can disagree with the trail. */
  private static final String[][] DISAGREEMENTS = {
    {
      "the trail records its claim, but no consumptions row or consumed_at does",
      "SELECT e.approval_id FROM audit_events e WHERE e.event_type = 'grant_claim'"
          + " AND e.outcome = 'ok' AND (NOT EXISTS (SELECT 1 FROM consumptions c"
          + " WHERE c.approval_id = e.approval_id) OR NOT EXISTS (SELECT 1 FROM grants g"
          + " WHERE g.approval_id = e.approval_id AND g.consumed_at IS NOT NULL))"
    },
    {
      "the trail records its revocation, but no revocations row or revoked_at does",
      "SELECT e.approval_id FROM audit_events e WHERE e.event_type = 'grant_revoked'"
          + " AND (NOT EXISTS (SELECT 1 FROM revocations r WHERE r.approval_id = e.approval_id)"
          + " OR NOT EXISTS (SELECT 1 FROM grants g WHERE g.approval_id = e.approval_id"
          + " AND g.revoked_at IS NOT NULL))"
    },
    {
      "it is recorded as consumed, but the trail records no claim of it",
      "SELECT g.approval_id FROM grants g WHERE (g.consumed_at IS NOT NULL OR EXISTS"
          + " (SELECT 1 FROM consumptions c WHERE c.approval_id = g.approval_id)) AND NOT EXISTS"
          + " (SELECT 1 FROM audit_events e WHERE e.approval_id = g.approval_id"
          + " AND e.event_type = 'grant_claim' AND e.outcome = 'ok')"
    },
    {
      "it is recorded as revoked, but the trail records no revocation of it",
      "SELECT g.approval_id FROM grants g WHERE (g.revoked_at IS NOT NULL OR EXISTS"
          + " (SELECT 1 FROM revocations r WHERE r.approval_id = g.approval_id)) AND NOT EXISTS"
          + " (SELECT 1 FROM audit_events e WHERE e.approval_id = g.approval_id"
          + " AND e.event_type = 'grant_revoked')"
    }
  };

  @Override
  public List<String> disagreements(int limit) {
    return db.read(
        c -> {
          List<String> found = new ArrayList<>();
          for (String[] check : DISAGREEMENTS) {
            try (PreparedStatement ps = c.prepareStatement(check[1] + " LIMIT ?")) {
              ps.setInt(1, limit - found.size());
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  found.add("grant " + SqliteAuditLog.text(rs, "approval_id") + ": " + check[0]);
                }
              }
            }
            if (found.size() >= limit) {
              break;
            }
          }
          return found;
        });
  }
}
