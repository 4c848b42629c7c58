package dev.agentcli.store;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalStore;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.Cosignature;
import dev.agentcli.approval.ExecutionId;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantFields;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.GrantStatus;
import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Grants, consumptions and revocations in SQLite. */
public final class SqliteApprovalStore implements ApprovalStore {
  /** A grant's columns, with its latest use's execution, its uses taken and its revocation. */
  private static final String COLUMNS =
      "g.*, c.execution_id, r.revoked_by, r.reason AS revoke_reason,"
          + " (SELECT count(*) FROM consumptions u WHERE u.approval_id = g.approval_id)"
          + " AS uses_taken";

  private static final String JOINS =
      " LEFT JOIN consumptions c ON c.approval_id = g.approval_id AND c.use ="
          + " (SELECT max(m.use) FROM consumptions m WHERE m.approval_id = g.approval_id)"
          + " LEFT JOIN revocations r ON r.approval_id = g.approval_id";

  private static final String SELECT_GRANT = "SELECT " + COLUMNS + " FROM grants g" + JOINS;

  /**
   * A grant's status at the time given as the parameter, in SQL: the twin of {@link Grant#status},
   * and of the {@code grant_status} view (at the current time). GrantStatusAgreementTest holds the
   * three, and the claim's test of liveness, to one table of cases.
   */
  static final String STATUS_AT =
      "CASE WHEN g.revoked_at IS NOT NULL THEN '"
          + GrantStatus.REVOKED.id()
          + "' WHEN g.consumed_at IS NOT NULL THEN '"
          + GrantStatus.CONSUMED.id()
          + "' WHEN g.expires_at <= ? THEN '"
          + GrantStatus.EXPIRED.id()
          + "' ELSE '"
          + GrantStatus.PENDING.id()
          + "' END";

  /** Every grant with its status against a given now. */
  private static final String WITH_STATUS =
      "SELECT * FROM (SELECT "
          + COLUMNS
          + ", "
          + STATUS_AT
          + " AS status FROM grants g"
          + JOINS
          + ") AS with_status"
          + " WHERE 1 = 1";

  /**
   * The live grants of one binding: status pending (written as the grants_claimable partial index's
   * terms) and dated at most CLOCK_SKEW ahead.
   *
   * <p>Pinned to the grants_claimable partial index: flat cost however long the history. (Without
   * statistics the planner would pick grants_by_task for the granted_at term and walk the whole
   * history of the task; INDEXED BY also turns any future mismatch into an error, not a slow scan.)
   * PostgreSQL, which keeps statistics and has no INDEXED BY, picks the index itself.
   */
  private static final String CLAIMABLE_WHERE =
      " WHERE g.workflow_id = ? AND g.task_id = ? AND g.task_hash = ?"
          + " AND g.consumed_at IS NULL AND g.revoked_at IS NULL AND g.expires_at > ?"
          + " AND g.granted_at <= ?";

  private final Database db;

  public SqliteApprovalStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(Grant g) {
    Map<String, Object> columns = GrantFields.all(g);
    // Columns of other tables: a new grant has neither use nor revocation.
    JOINED.forEach(columns::remove);
    String sql =
        "INSERT INTO grants ("
            + String.join(", ", columns.keySet())
            + ") VALUES ("
            + String.join(", ", Collections.nCopies(columns.size(), "?"))
            + ")";
    db.inTransaction(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            for (Object value : columns.values()) {
              ps.setObject(++i, value instanceof Boolean b ? (b ? 1 : 0) : value);
            }
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Stream<Grant> claimable(ClaimRequest request, Instant now) {
    return db.read(
        c -> {
          PreparedStatement ps =
              c.prepareStatement(claimableSql(request.pinned().isPresent(), db.isPostgres()));
          ps.setString(1, request.workflowId());
          ps.setString(2, request.taskId());
          ps.setString(3, request.taskHash());
          ps.setString(4, Timestamps.format(now));
          ps.setString(5, Timestamps.format(now.plus(ApprovalStore.CLOCK_SKEW)));
          if (request.pinned().isPresent()) {
            ps.setString(6, request.pinned().get().value());
          }
          return stream(ps);
        });
  }

  /**
   * The grants {@code ps} selects, read one row at a time; closing the stream closes {@code ps}.
   */
  private Stream<Grant> stream(PreparedStatement ps) throws SQLException {
    ResultSet rs = ps.executeQuery();
    Spliterator<Grant> rows =
        new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
          @Override
          public boolean tryAdvance(Consumer<? super Grant> action) {
            return db.read(
                c -> {
                  if (!rs.next()) {
                    return false;
                  }
                  action.accept(grant(rs));
                  return true;
                });
          }
        };
    return StreamSupport.stream(rows, false)
        .onClose(
            () -> {
              try {
                ps.close();
              } catch (SQLException e) {
                throw db.translate(e);
              }
            });
  }

  @Override
  public Optional<String> recordedUse(Grant g) {
    return db.read(c -> DecisionHistory.decided(c, g));
  }

  @Override
  public Optional<String> trailBrokenSince(Optional<Anchor> from) {
    return db.read(c -> DecisionHistory.trailSince(c, from));
  }

  @Override
  public Grant consume(Grant g, ExecutionId executionId, Instant now) {
    String id = g.approvalId().value();
    String at = Timestamps.format(now);
    int use = g.usesTaken() + 1;
    return db.inTransaction(
        c -> {
          // UNIQUE (approval_id, use): each use is taken once, whatever the code does.
          update(
              c,
              "INSERT INTO consumptions (approval_id, use, execution_id, consumed_at)"
                  + " VALUES (?, ?, ?, ?)",
              id,
              String.valueOf(use),
              executionId.value(),
              at);
          if (use >= g.uses()) {
            String consumed =
                "UPDATE grants SET consumed_at = ? WHERE approval_id = ? AND consumed_at IS NULL";
            if (update(c, consumed, at, id) != 1) {
              throw new SQLException("grant " + id + " changed under the write lock");
            }
          }
          return g.withUse(new Grant.Consumption(executionId.value(), now));
        });
  }

  /** Runs one statement with text parameters; how many rows it changed. */
  private static int update(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  /**
   * The live grants of one task binding, oldest first (in the order written, on SQLite; by id among
   * grants of the same millisecond, on PostgreSQL, which keeps no such order), or only the pinned
   * one.
   */
  static String claimableSql(boolean pinned, boolean postgres) {
    return (postgres
            ? SELECT_GRANT
            : SELECT_GRANT.replace("FROM grants g", "FROM grants g INDEXED BY grants_claimable"))
        + CLAIMABLE_WHERE
        + (pinned ? " AND g.approval_id = ?" : "")
        + (postgres ? " ORDER BY g.granted_at, g.approval_id" : " ORDER BY g.granted_at, g.rowid");
  }

  @Override
  public Optional<Grant> find(ApprovalId id) {
    return db.read(c -> find(c, id.value()));
  }

  @Override
  public void recordShown(ApprovalId id, Map<String, Object> shown) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO grant_commands (approval_id, command) VALUES (?, ?)")) {
            ps.setString(1, id.value());
            ps.setString(2, Json.compact(shown));
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<Map<String, Object>> shown(ApprovalId id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT command FROM grant_commands WHERE approval_id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(Json.parseObject(rs.getString(1)))
                  : Optional.<Map<String, Object>>empty();
            }
          }
        });
  }

  @Override
  public List<String> idsStartingWith(String prefix, int limit) {
    return db.idsStartingWith("grants", "approval_id", prefix, limit);
  }

  @Override
  public List<Cosignature> cosignatures(ApprovalId id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT * FROM grant_cosignatures WHERE approval_id = ? ORDER BY id")) {
            ps.setString(1, id.value());
            List<Cosignature> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.add(
                    new Cosignature(
                        id,
                        rs.getString("cosigner"),
                        Timestamps.parse(rs.getString("signed_at")),
                        signature(rs)));
              }
            }
            return found;
          }
        });
  }

  /** The signature columns of a row (grants, co-signatures, decisions); null when unsigned. */
  static Grant.Signature signature(ResultSet rs) throws SQLException {
    String method = rs.getString("signature_method");
    return method == null
        ? null
        : new Grant.Signature(
            method,
            rs.getString("signature_key_fingerprint"),
            rs.getString("signature_namespace"),
            rs.getString("signed_payload"),
            rs.getString("signature"));
  }

  @Override
  public void insert(Cosignature cosignature) {
    Grant.Signature s = cosignature.signature();
    db.inTransaction(
        c ->
            update(
                c,
                "INSERT INTO grant_cosignatures (approval_id, cosigner, signed_at, signature_method,"
                    + " signature_key_fingerprint, signature_namespace, signed_payload, signature)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                cosignature.approvalId().value(),
                cosignature.cosigner(),
                Timestamps.format(cosignature.signedAt()),
                s.method(),
                s.keyFingerprint(),
                s.namespace(),
                s.signedPayload(),
                s.signature()));
  }

  @Override
  public Optional<Grant> findByRequest(String requestId) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  SELECT_GRANT + " WHERE g.request_id = ? ORDER BY g.granted_at LIMIT 1")) {
            ps.setString(1, requestId);
            return one(ps);
          }
        });
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
            ps.setInt(params.size() + 1, query.limit() > 0 ? query.limit() : Integer.MAX_VALUE);
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
  public Grant revoke(Grant g, String revokedBy, String reason, Instant now) {
    String id = g.approvalId().value();
    String at = Timestamps.format(now);
    return db.inTransaction(
        c -> {
          update(
              c,
              "INSERT INTO revocations (approval_id, revoked_by, reason, revoked_at) VALUES (?, ?, ?, ?)",
              id,
              revokedBy,
              reason,
              at);
          update(c, "UPDATE grants SET revoked_at = ? WHERE approval_id = ?", at, id);
          return find(c, id).orElseThrow();
        });
  }

  private static Optional<Grant> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(grant(rs)) : Optional.empty();
    }
  }

  /** The fields of {@link GrantFields#all} that {@link #SELECT_GRANT} reads from other tables. */
  private static final List<String> JOINED =
      List.of("execution_id", "revoked_by", "revoke_reason", "uses_taken");

  private static Grant grant(ResultSet rs) throws SQLException {
    Map<String, Object> row = new HashMap<>();
    ResultSetMetaData meta = rs.getMetaData();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      row.put(meta.getColumnLabel(i), rs.getObject(i));
    }
    return GrantFields.of(row::get);
  }

  private static final String CLAIM_OK =
      DecisionHistory.literal(EventType.GRANT_CLAIM)
          + " AND e.outcome = "
          + DecisionHistory.literal(Outcome.OK.id());
  private static final String REVOKED = DecisionHistory.literal(EventType.GRANT_REVOKED);

  /** Each check names one way the state tables can disagree with the trail. */
  private static final String[][] DISAGREEMENTS = {
    {
      "the trail records its claim, but no consumptions row or consumed_at does",
      "SELECT e.approval_id FROM audit_events e WHERE e.event_type = "
          + CLAIM_OK
          + " AND (NOT EXISTS (SELECT 1 FROM consumptions c"
          + " WHERE c.approval_id = e.approval_id) OR NOT EXISTS (SELECT 1 FROM grants g"
          + " WHERE g.approval_id = e.approval_id AND (g.consumed_at IS NOT NULL"
          // A grant good for several runs is consumed only with its last use.
          + " OR coalesce(g.max_uses, 1) > (SELECT count(*) FROM consumptions c"
          + " WHERE c.approval_id = g.approval_id))))"
    },
    {
      "the trail records its revocation, but no revocations row or revoked_at does",
      "SELECT e.approval_id FROM audit_events e WHERE e.event_type = "
          + REVOKED
          + " AND (NOT EXISTS (SELECT 1 FROM revocations r WHERE r.approval_id = e.approval_id)"
          + " OR NOT EXISTS (SELECT 1 FROM grants g WHERE g.approval_id = e.approval_id"
          + " AND g.revoked_at IS NOT NULL))"
    },
    {
      "it is recorded as consumed, but the trail records no claim of it",
      "SELECT g.approval_id FROM grants g WHERE (g.consumed_at IS NOT NULL OR EXISTS"
          + " (SELECT 1 FROM consumptions c WHERE c.approval_id = g.approval_id)) AND NOT EXISTS"
          + " (SELECT 1 FROM audit_events e WHERE e.approval_id = g.approval_id"
          + " AND e.event_type = "
          + CLAIM_OK
          + ")"
    },
    {
      "it is recorded as revoked, but the trail records no revocation of it",
      "SELECT g.approval_id FROM grants g WHERE (g.revoked_at IS NOT NULL OR EXISTS"
          + " (SELECT 1 FROM revocations r WHERE r.approval_id = g.approval_id)) AND NOT EXISTS"
          + " (SELECT 1 FROM audit_events e WHERE e.approval_id = g.approval_id"
          + " AND e.event_type = "
          + REVOKED
          + ")"
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
