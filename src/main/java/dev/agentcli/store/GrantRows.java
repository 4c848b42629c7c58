package dev.agentcli.store;

import dev.agentcli.approval.Expiry;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantFields;
import dev.agentcli.approval.GrantStatus;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a grant is read from SQL: its row joined with its uses and its revocation, its status at a
 * given time, the claim's search, and a row back into a {@link Grant}.
 */
final class GrantRows {
  private GrantRows() {}

  /** A grant's columns, with its latest use's execution, its uses taken and its revocation. */
  static final String COLUMNS =
      "g.*, c.execution_id, r.revoked_by, r.reason AS revoke_reason,"
          + " (SELECT count(*) FROM consumptions u WHERE u.approval_id = g.approval_id)"
          + " AS uses_taken";

  static final String JOINS =
      " LEFT JOIN consumptions c ON c.approval_id = g.approval_id AND c.use ="
          + " (SELECT max(m.use) FROM consumptions m WHERE m.approval_id = g.approval_id)"
          + " LEFT JOIN revocations r ON r.approval_id = g.approval_id";

  static final String SELECT_GRANT = "SELECT " + COLUMNS + " FROM grants g" + JOINS;

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
          + "' WHEN "
          + Expiry.passedSql("g.expires_at")
          + " THEN '"
          + GrantStatus.EXPIRED.id()
          + "' ELSE '"
          + GrantStatus.PENDING.id()
          + "' END";

  /** Every grant with its status against a given now. */
  static final String WITH_STATUS =
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
  static final String CLAIMABLE_WHERE =
      " WHERE g.workflow_id = ? AND g.task_id = ? AND g.task_hash = ?"
          + " AND g.consumed_at IS NULL AND g.revoked_at IS NULL AND "
          + Expiry.liveSql("g.expires_at")
          + " AND g.granted_at <= ?";

  /**
   * The live grants of one task binding, oldest first (in the order written, on SQLite; by id among
   * grants of the same millisecond, on PostgreSQL, which keeps no such order), or only the pinned
   * one.
   */
  static String claimableSql(boolean pinned, Dialect dialect) {
    return "SELECT "
        + COLUMNS
        + " FROM "
        + dialect.claimableGrants()
        + JOINS
        + CLAIMABLE_WHERE
        + (pinned ? " AND g.approval_id = ?" : "")
        + " ORDER BY g.granted_at, "
        + dialect.claimTieBreak();
  }

  /** The fields of {@link GrantFields#all} that {@link #SELECT_GRANT} reads from other tables. */
  static final List<String> JOINED =
      List.of("execution_id", "revoked_by", "revoke_reason", "uses_taken");

  static Grant grant(ResultSet rs) throws SQLException {
    Map<String, Object> row = new HashMap<>();
    ResultSetMetaData meta = rs.getMetaData();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      row.put(meta.getColumnLabel(i), rs.getObject(i));
    }
    return GrantFields.of(row::get);
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
}
