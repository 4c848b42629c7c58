package dev.agentcli.store;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.codec.Json;
import dev.agentcli.approval.Timestamps;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The audit trail in the {@code audit_events} table. */
public final class SqliteAuditLog implements AuditLog {
  private final Database db;

  public SqliteAuditLog(Database db) {
    this.db = db;
  }

  @Override
  public long append(AuditEvent e) {
    return db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO audit_events (occurred_at, event_type, outcome, code, workflow_id,"
                      + " task_id, task_hash, approval_id, execution_id, actor, details)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, Timestamps.format(e.occurredAt()));
            ps.setString(2, e.eventType());
            ps.setString(3, e.outcome());
            ps.setString(4, e.code());
            ps.setString(5, e.workflowId());
            ps.setString(6, e.taskId());
            ps.setString(7, e.taskHash());
            ps.setString(8, e.approvalId());
            ps.setString(9, e.executionId());
            ps.setString(10, e.actor());
            ps.setString(11, Json.compact(e.details()));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
              return keys.next() ? keys.getLong(1) : 0L;
            }
          }
        });
  }

  @Override
  public List<AuditEvent> recent(int limit) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT * FROM audit_events ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                events.add(event(rs));
              }
            }
            Collections.reverse(events);
            return events;
          }
        });
  }

  private static AuditEvent event(ResultSet rs) throws SQLException {
    return new AuditEvent(
        rs.getLong("id"),
        Timestamps.parse(rs.getString("occurred_at")),
        rs.getString("event_type"),
        rs.getString("outcome"),
        rs.getString("code"),
        rs.getString("workflow_id"),
        rs.getString("task_id"),
        rs.getString("task_hash"),
        rs.getString("approval_id"),
        rs.getString("execution_id"),
        rs.getString("actor"),
        Json.parseObject(rs.getString("details")));
  }
}
