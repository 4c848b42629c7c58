package dev.agentcli.store;

import dev.agentcli.approval.Grant;
import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the claim reads, in its own transaction, before it consumes a grant that looks pending:
 * decisions are final whatever the state columns say. Every id comparison is the dialect's {@link
 * Dialect#idMatches}: on SQLite it matches TEXT and a BLOB of the same bytes, so a value stored
 * with another type cannot hide.
 */
final class DecisionHistory {
  /**
   * SQL: the event records that a grant was used or withdrawn ({@link
   * EventType#FINAL_FOR_A_GRANT}).
   */
  static final String FINAL =
      "((event_type = "
          + literal(EventType.GRANT_CLAIM)
          + " AND outcome = "
          + literal(Outcome.OK.id())
          + ") OR event_type IN ("
          + String.join(
              ", ",
              EventType.FINAL_FOR_A_GRANT.stream()
                  .filter(t -> t != EventType.GRANT_CLAIM)
                  .map(DecisionHistory::literal)
                  .sorted()
                  .toList())
          + "))";

  /** SQL: the event records one use of a grant (a claim, or its run). */
  static final String USES =
      "((event_type = "
          + literal(EventType.GRANT_CLAIM)
          + " AND outcome = "
          + literal(Outcome.OK.id())
          + ") OR event_type IN ("
          + literal(EventType.EXEC_STARTED)
          + ", "
          + literal(EventType.EXEC_FINISHED)
          + ", "
          + literal(EventType.EXEC_INTERRUPTED)
          + "))";

  private DecisionHistory() {}

  /** An event type as an SQL string literal (ids are lower-case letters and underscores). */
  static String literal(EventType type) {
    return literal(type.id());
  }

  static String literal(String id) {
    return "'" + id + "'";
  }

  /**
   * Refuses ({@code database_tampered}) unless the trail still holds {@code anchor}'s event with
   * its hash: one that was rewritten or truncated since cannot be trusted to say what was used.
   */
  static void refuseUnlessAnchored(Connection c, Anchor anchor, String store) throws SQLException {
    String hash = null;
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_events WHERE id = ?")) {
      ps.setLong(1, anchor.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          AuditEvent e = JdbcAuditLog.event(rs);
          hash = AuditChain.hash(e).equals(e.eventHash()) ? e.eventHash() : "(edited)";
        }
      }
    }
    if (!anchor.hash().equals(hash)) {
      throw new AgentCliException(
          ErrorCode.DATABASE_TAMPERED,
          "the audit trail of "
              + store
              + (hash == null
                  ? " no longer has event " + anchor.id() + ", which was anchored at "
                  : " holds another event " + anchor.id() + " than was anchored at ")
              + Timestamps.format(anchor.anchoredAt())
              + ": it was truncated or rewritten, so no grant is used",
          Map.of("database", store, "anchored_id", anchor.id()));
    }
  }

  /** What records that {@code g} was used or revoked, if anything does. */
  static Optional<String> decided(Connection c, Dialect dialect, Grant g) throws SQLException {
    String id = g.approvalId().value();
    long rows = scalar(c, dialect, "SELECT count(*) FROM consumptions WHERE approval_id {id}", id);
    if (rows >= g.uses()) {
      return Optional.of(
          g.uses() == 1
              ? "a consumptions row records its use"
              : "consumptions rows record all " + g.uses() + " of its uses");
    }
    if (exists(c, dialect, "SELECT 1 FROM revocations WHERE approval_id {id}", id)) {
      return Optional.of("a revocations row records its revocation");
    }
    // Each use is one execution in the trail; a trail that records more uses than the
    // consumptions table, or all of them, or a revocation, decides it whatever the rows say.
    long trailUses =
        scalar(
            c,
            dialect,
            "SELECT count(DISTINCT execution_id) FROM audit_events WHERE approval_id {id} AND "
                + USES,
            id);
    boolean revoked =
        exists(
            c,
            dialect,
            "SELECT 1 FROM audit_events WHERE approval_id {id} AND event_type"
                + " = "
                + literal(EventType.GRANT_REVOKED),
            id);
    if (!revoked && trailUses < g.uses() && trailUses <= rows) {
      return Optional.empty();
    }
    try (PreparedStatement ps =
        prepare(
            c,
            dialect,
            "SELECT id, event_type FROM audit_events WHERE approval_id {id}"
                + " AND "
                + FINAL
                + " ORDER BY id LIMIT 1")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return Optional.of(
              "audit event "
                  + rs.getLong(1)
                  + " ("
                  + rs.getString(2)
                  + ") records its use"
                  + (g.uses() == 1
                      ? ""
                      : " (the trail records "
                          + trailUses
                          + " of its "
                          + g.uses()
                          + " uses, the consumptions table "
                          + rows
                          + ")"));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the audit trail from {@code from} (the newest anchor taken before a grant was approved)
   * to its head still verifies, every event of it, or from the genesis when there is no such
   * anchor: a use or revocation erased by deleting or editing events leaves a broken link there,
   * however old it is. The stretch starts at a point recorded outside the database, which a writer
   * of the database cannot move; its length is what happened since the grant was approved.
   */
  static Optional<String> trailSince(Connection c, Optional<Anchor> from) throws SQLException {
    long head;
    try (PreparedStatement ps =
            c.prepareStatement("SELECT coalesce(max(id), 0) FROM audit_events");
        ResultSet rs = ps.executeQuery()) {
      head = rs.next() ? rs.getLong(1) : 0;
    }
    long start = from.map(Anchor::id).orElse(1L);
    AuditChain.Verifier verifier =
        from.map(a -> new AuditChain.Verifier(Map.of(a.id(), a.hash()), null, true))
            .orElseGet(AuditChain.Verifier::new);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT * FROM audit_events WHERE id >= ? ORDER BY id")) {
      ps.setLong(1, start);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && verifier.accept(JdbcAuditLog.event(rs))) {
          // keep going
        }
      }
    }
    AuditChain.Check check = verifier.result();
    if (check.intact() && check.events() > 0 && check.events() != head - start + 1) {
      return Optional.of(
          "the audit trail since it was approved has "
              + check.events()
              + " events where its ids say "
              + (head - start + 1));
    }
    return check.intact()
        ? Optional.empty()
        : Optional.of("the audit trail since it was approved is broken (" + check.reason() + ")");
  }

  private static boolean exists(Connection c, Dialect dialect, String sql, String id)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, dialect, sql)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** {@code sql} with each {@code {id}} the dialect's term for matching an id to {@code ?1}. */
  private static PreparedStatement prepare(Connection c, Dialect dialect, String sql)
      throws SQLException {
    return c.prepareStatement(sql.replace("{id}", dialect.idMatches()));
  }

  private static long scalar(Connection c, Dialect dialect, String sql, String... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, dialect, sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static final String CLAIM_OK =
      literal(EventType.GRANT_CLAIM) + " AND e.outcome = " + literal(Outcome.OK.id());
  private static final String REVOKED = literal(EventType.GRANT_REVOKED);

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

  /** The grants whose state rows and trail disagree, each with how: at most {@code limit}. */
  static List<String> disagreements(Connection c, int limit) throws SQLException {
    List<String> found = new ArrayList<>();
    for (String[] check : DISAGREEMENTS) {
      try (PreparedStatement ps = c.prepareStatement(check[1] + " LIMIT ?")) {
        ps.setInt(1, limit - found.size());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add("grant " + JdbcAuditLog.text(rs, "approval_id") + ": " + check[0]);
          }
        }
      }
      if (found.size() >= limit) {
        break;
      }
    }
    return found;
  }
}
