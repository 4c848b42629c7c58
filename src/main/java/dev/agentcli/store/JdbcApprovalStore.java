package dev.agentcli.store;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalStore;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.Cosignature;
import dev.agentcli.approval.ExecutionId;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantFields;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.RequestId;
import dev.agentcli.audit.Anchor;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Grants, consumptions and revocations, in either dialect ({@link Dialect} says what differs). */
public final class JdbcApprovalStore implements ApprovalStore {
  private final Database db;

  public JdbcApprovalStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(Grant g) {
    Map<String, Object> columns = GrantFields.all(g);
    // Columns of other tables: a new grant has neither use nor revocation.
    GrantRows.JOINED.forEach(columns::remove);
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
              c.prepareStatement(
                  GrantRows.claimableSql(request.pinned().isPresent(), db.dialect()));
          ps.setString(1, request.workflowId());
          ps.setString(2, request.taskId());
          ps.setString(3, request.taskHash().value());
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
                  action.accept(GrantRows.grant(rs));
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
    return db.read(c -> DecisionHistory.decided(c, db.dialect(), g));
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
                        GrantRows.signature(rs)));
              }
            }
            return found;
          }
        });
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
  public Optional<Grant> findByRequest(RequestId requestId) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  GrantRows.SELECT_GRANT
                      + " WHERE g.request_id = ? ORDER BY g.granted_at LIMIT 1")) {
            ps.setString(1, requestId.value());
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
                  GrantRows.SELECT_GRANT
                      + " WHERE g.workflow_id = ? AND g.task_id = ? ORDER BY g.granted_at DESC LIMIT ?")) {
            ps.setString(1, workflowId);
            ps.setString(2, taskId);
            ps.setInt(3, limit);
            List<Grant> grants = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                grants.add(GrantRows.grant(rs));
              }
            }
            return grants;
          }
        });
  }

  private static Optional<Grant> find(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(GrantRows.SELECT_GRANT + " WHERE g.approval_id = ?")) {
      ps.setString(1, id);
      return one(ps);
    }
  }

  @Override
  public void forEach(GrantQuery query, Instant now, Consumer<Grant> sink) {
    StringBuilder sql = new StringBuilder(GrantRows.WITH_STATUS);
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
                sink.accept(GrantRows.grant(rs));
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
      return rs.next() ? Optional.of(GrantRows.grant(rs)) : Optional.empty();
    }
  }

  @Override
  public List<String> disagreements(int limit) {
    return db.read(c -> DecisionHistory.disagreements(c, limit));
  }
}
