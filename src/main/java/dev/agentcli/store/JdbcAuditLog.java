package dev.agentcli.store;

import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditFeed;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The audit trail in the {@code audit_events} table, each row chained to the one before. */
public final class JdbcAuditLog implements AuditLog, AuditFeed {
  private final Database db;

  public JdbcAuditLog(Database db) {
    this.db = db;
  }

  @Override
  public long append(AuditEvent event) {
    AuditEvent attributed = db.caller().isEmpty() ? event : event.actingFor(db.caller());
    AuditEvent chained = db.inTransaction(c -> appendChained(c, attributed));
    db.appended(chained);
    return chained.id();
  }

  /**
   * Appends {@code event} on {@code c}, which must hold the write lock (nobody else can append
   * between reading the head and writing), chained to the newest event.
   */
  static long append(Connection c, AuditEvent event) throws SQLException {
    return appendChained(c, event).id();
  }

  private static AuditEvent appendChained(Connection c, AuditEvent event) throws SQLException {
    long lastId = 0;
    String prev = AuditChain.GENESIS;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT id, event_hash FROM audit_events ORDER BY id DESC LIMIT 1")) {
      if (rs.next()) {
        lastId = rs.getLong(1);
        prev = rs.getString(2) != null ? rs.getString(2) : prev;
      }
    }
    AuditEvent e = event.chained(lastId + 1, prev);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO audit_events (id, occurred_at, event_type, outcome, code, workflow_id,"
                + " task_id, task_hash, approval_id, execution_id, actor, details, prev_hash,"
                + " event_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, e.id());
      ps.setString(2, Timestamps.format(e.occurredAt()));
      ps.setString(3, e.eventType());
      ps.setString(4, e.outcome());
      ps.setString(5, e.code());
      ps.setString(6, e.workflowId());
      ps.setString(7, e.taskId());
      ps.setString(8, e.taskHash());
      ps.setString(9, e.approvalId());
      ps.setString(10, e.executionId());
      ps.setString(11, e.actor());
      ps.setString(12, Json.compact(e.details()));
      ps.setString(13, e.prevHash());
      ps.setString(14, e.eventHash());
      ps.executeUpdate();
    }
    return e;
  }

  @Override
  public void forEach(AuditQuery q, Consumer<AuditEvent> sink) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<String> params = new ArrayList<>();
    q.since().ifPresent(t -> filter(where, params, "occurred_at >=", Timestamps.format(t)));
    q.executionId().ifPresent(x -> filter(where, params, "execution_id =", x));
    q.approvalId().ifPresent(x -> filter(where, params, "approval_id =", x));
    q.taskId().ifPresent(x -> filter(where, params, "task_id =", x));
    String sql =
        q.newest() > 0
            ? "SELECT * FROM (SELECT * FROM audit_events"
                + where
                + " ORDER BY id DESC LIMIT "
                + q.newest()
                + ") AS newest ORDER BY id"
            : "SELECT * FROM audit_events" + where + " ORDER BY id";
    db.read(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
              ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(event(rs));
              }
            }
          }
          return null;
        });
  }

  @Override
  public void after(long id, int limit, Consumer<AuditEvent> sink) {
    db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT * FROM audit_events WHERE id > ? ORDER BY id LIMIT ?")) {
            ps.setLong(1, id);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(event(rs));
              }
            }
          }
          return null;
        });
  }

  @Override
  public long lastId() {
    return db.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM audit_events")) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  @Override
  public long changes() {
    return db.dataVersion();
  }

  @Override
  public Optional<Anchor> head(Instant at) {
    return db.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(
                      "SELECT id, event_hash FROM audit_events ORDER BY id DESC LIMIT 1")) {
            return rs.next() && rs.getString(2) != null
                ? Optional.of(new Anchor(rs.getLong(1), rs.getString(2), at))
                : Optional.<Anchor>empty();
          }
        });
  }

  @Override
  public void requireAnchored(Anchor anchor) {
    db.read(
        c -> {
          DecisionHistory.refuseUnlessAnchored(c, anchor, db.name());
          return null;
        });
  }

  private static void filter(StringBuilder where, List<String> params, String test, String value) {
    where.append(" AND ").append(test).append(" ?");
    params.add(value);
  }

  static AuditEvent event(ResultSet rs) throws SQLException {
    return new AuditEvent(
        rs.getLong("id"),
        Timestamps.parse(text(rs, "occurred_at")),
        text(rs, "event_type"),
        text(rs, "outcome"),
        text(rs, "code"),
        text(rs, "workflow_id"),
        text(rs, "task_id"),
        text(rs, "task_hash"),
        text(rs, "approval_id"),
        text(rs, "execution_id"),
        text(rs, "actor"),
        Json.parseObject(text(rs, "details")),
        text(rs, "prev_hash"),
        text(rs, "event_hash"));
  }

  /**
   * A TEXT column's value. A value stored with another type (a BLOB with the same bytes, say) comes
   * back marked, so that the event's hash cannot match: comparisons in SQL tell types apart, and so
   * must the chain.
   */
  static String text(ResultSet rs, String column) throws SQLException {
    Object v = rs.getObject(column);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    String shown = v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v);
    return "<" + v.getClass().getSimpleName() + " " + shown + ">";
  }
}
