package dev.agentcli.store;

import dev.agentcli.approval.Expiry;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.Subject;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.manifest.TaskHash;
import dev.agentcli.request.Denial;
import dev.agentcli.request.Request;
import dev.agentcli.request.RequestStore;
import dev.agentcli.request.Requester;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Requests and their denials, beside the grants they lead to, in either dialect. */
public final class JdbcRequestStore implements RequestStore {
  private final Database db;

  public JdbcRequestStore(Database db) {
    this.db = db;
  }

  @Override
  public void insert(Request r) {
    Subject s = r.subject();
    Requester who = r.requester();
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO requests (request_id, workflow_id, task_id, task_hash, task_binding,"
                      + " command, manifest, manifest_sha256, risk_level, reason, requester,"
                      + " requester_os_user, requester_host, requester_pid, requested_at,"
                      + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.requestId().value());
            ps.setString(2, s.workflowId());
            ps.setString(3, s.taskId());
            ps.setString(4, s.taskHash().value());
            ps.setString(5, s.bindingJson());
            ps.setString(6, Json.compact(r.command()));
            ps.setString(7, s.manifest());
            ps.setString(8, s.manifestSha256());
            ps.setString(9, s.rules().riskLevel());
            ps.setString(10, r.reason());
            ps.setString(11, who.principal());
            ps.setString(12, who.osUser());
            ps.setString(13, who.host());
            ps.setLong(14, who.pid());
            ps.setString(15, Timestamps.format(r.requestedAt()));
            ps.setString(16, Timestamps.format(r.expiresAt()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<Request> pendingFor(
      String workflowId, String taskId, TaskHash taskHash, Instant now) {
    return openFor(workflowId, taskId, taskHash, now, false);
  }

  @Override
  public Optional<Request> deniedFor(
      String workflowId, String taskId, TaskHash taskHash, Instant now) {
    return openFor(workflowId, taskId, taskHash, now, true);
  }

  /**
   * A request of this binding still running (not expired, cancelled or answered by a grant): the
   * oldest without any decision, or the newest with one ({@code denied}).
   */
  private Optional<Request> openFor(
      String workflowId, String taskId, TaskHash taskHash, Instant now, boolean denied) {
    return oneFor(
        workflowId,
        taskId,
        taskHash,
        now,
        Expiry.liveSql("expires_at")
            + (denied ? " AND EXISTS" : " AND NOT EXISTS")
            + " (SELECT 1 FROM decisions d WHERE d.request_id = r.request_id)",
        denied ? "requested_at DESC" : "requested_at");
  }

  @Override
  public Optional<Request> expiredFor(
      String workflowId, String taskId, TaskHash taskHash, Instant now) {
    return oneFor(
        workflowId,
        taskId,
        taskHash,
        now,
        Expiry.passedSql("expires_at")
            + " AND NOT EXISTS"
            + " (SELECT 1 FROM decisions d WHERE d.request_id = r.request_id)",
        "expires_at DESC");
  }

  /**
   * The first request of this binding, by {@code order}, that is not cancelled nor answered by a
   * grant and meets {@code condition}, whose one parameter is {@code now}. Both are this class's
   * constants, never input.
   */
  private Optional<Request> oneFor(
      String workflowId,
      String taskId,
      TaskHash taskHash,
      Instant now,
      String condition,
      String order) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT * FROM requests r WHERE workflow_id = ? AND task_id = ? AND task_hash = ?"
                      + " AND cancelled_at IS NULL"
                      + " AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.request_id = r.request_id)"
                      + " AND "
                      + condition
                      + " ORDER BY "
                      + order
                      + " LIMIT 1")) {
            ps.setString(1, workflowId);
            ps.setString(2, taskId);
            ps.setString(3, taskHash.value());
            ps.setString(4, Timestamps.format(now));
            return one(ps);
          }
        });
  }

  @Override
  public List<Request> expiredUnrecorded(Instant now, int limit) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT * FROM requests r WHERE "
                      + Expiry.passedSql("expires_at")
                      + " AND cancelled_at IS NULL"
                      + " AND NOT EXISTS (SELECT 1 FROM request_expiries e"
                      + " WHERE e.request_id = r.request_id)"
                      + " AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.request_id = r.request_id)"
                      + " AND NOT EXISTS (SELECT 1 FROM decisions d"
                      + " WHERE d.request_id = r.request_id)"
                      + " ORDER BY expires_at LIMIT ?")) {
            ps.setString(1, Timestamps.format(now));
            ps.setInt(2, limit);
            return rows(ps, JdbcRequestStore::request);
          }
        });
  }

  @Override
  public void recordExpiry(RequestId requestId, Instant at) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO request_expiries (request_id, recorded_at) VALUES (?, ?)")) {
            ps.setString(1, requestId.value());
            ps.setString(2, Timestamps.format(at));
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<Request> find(RequestId requestId) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT * FROM requests WHERE request_id = ?")) {
            ps.setString(1, requestId.value());
            return one(ps);
          }
        });
  }

  @Override
  public List<String> idsStartingWith(String prefix, int limit) {
    return db.idsStartingWith("requests", "request_id", prefix, limit);
  }

  @Override
  public List<Denial> denials(RequestId requestId) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT d.*, r.task_hash AS request_task_hash FROM decisions d"
                      + " JOIN requests r ON r.request_id = d.request_id"
                      + " WHERE d.request_id = ? AND d.decision = 'deny' ORDER BY d.id")) {
            ps.setString(1, requestId.value());
            return rows(ps, JdbcRequestStore::denial);
          }
        });
  }

  @Override
  public void insert(Denial d) {
    Grant.Signature s = d.signature();
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO decisions (request_id, decider, decision, reason, decided_at,"
                      + " signature_method, signature_key_fingerprint, signature_namespace,"
                      + " signed_payload, signature) VALUES (?, ?, 'deny', ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, d.requestId().value());
            ps.setString(2, d.decider());
            ps.setString(3, d.reason());
            ps.setString(4, Timestamps.format(d.decidedAt()));
            ps.setString(5, s == null ? null : s.method());
            ps.setString(6, s == null ? null : s.keyFingerprint());
            ps.setString(7, s == null ? null : s.namespace());
            ps.setString(8, s == null ? null : s.signedPayload());
            ps.setString(9, s == null ? null : s.signature());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void cancel(RequestId requestId, Instant at) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE requests SET cancelled_at = ? WHERE request_id = ?"
                      + " AND cancelled_at IS NULL")) {
            ps.setString(1, Timestamps.format(at));
            ps.setString(2, requestId.value());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void forEach(int limit, Consumer<Request> sink) {
    db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT * FROM requests ORDER BY requested_at DESC, request_id LIMIT ?")) {
            ps.setInt(1, limit > 0 ? limit : Integer.MAX_VALUE);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                sink.accept(request(rs));
              }
            }
          }
          return null;
        });
  }

  @Override
  public long changes() {
    return db.dataVersion();
  }

  /** Reads one value from a row. */
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static <T> List<T> rows(PreparedStatement ps, Row<T> row) throws SQLException {
    List<T> found = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        found.add(row.read(rs));
      }
    }
    return found;
  }

  private static Optional<Request> one(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(request(rs)) : Optional.empty();
    }
  }

  private static Request request(ResultSet rs) throws SQLException {
    return new Request(
        new RequestId(rs.getString("request_id")),
        Subject.recorded(
            rs.getString("workflow_id"),
            rs.getString("task_id"),
            new TaskHash(rs.getString("task_hash")),
            rs.getString("task_binding"),
            rs.getString("manifest"),
            rs.getString("manifest_sha256")),
        Json.parseObject(rs.getString("command")),
        rs.getString("reason"),
        new Requester(
            rs.getString("requester"),
            rs.getString("requester_os_user"),
            rs.getString("requester_host"),
            rs.getLong("requester_pid")),
        Timestamps.parse(rs.getString("requested_at")),
        Timestamps.parse(rs.getString("expires_at")),
        Timestamps.parse(rs.getString("cancelled_at")));
  }

  private static Denial denial(ResultSet rs) throws SQLException {
    return new Denial(
        new RequestId(rs.getString("request_id")),
        rs.getString("decider"),
        rs.getString("reason"),
        Timestamps.parse(rs.getString("decided_at")),
        new TaskHash(rs.getString("request_task_hash")),
        GrantRows.signature(rs));
  }
}
