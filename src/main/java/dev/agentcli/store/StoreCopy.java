package dev.agentcli.store;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a store into a new one, SQLite to PostgreSQL or back: every row of every table as it is
 * (ids, times, signatures, the audit events with their hashes), so that grants stay verifiable, the
 * chain verifies with the same head and anchors taken on the source still hold. The target must be
 * new: nothing in it but its own genesis event, which the source's replaces. One transaction on the
 * target, holding its write lock: a failure leaves it as it was.
 */
public final class StoreCopy {
  private StoreCopy() {}

  /** Parents before children (the foreign keys). file_digests is a cache of this host's files. */
  static final List<String> TABLES =
      List.of(
          "requests",
          "grants",
          "grant_cosignatures",
          "grant_commands",
          "decisions",
          "consumptions",
          "revocations",
          "request_expiries",
          "audit_events");

  /** Copies {@code from} into {@code to}; the rows copied per table. */
  public static Map<String, Long> copy(Database from, Database to) {
    return to.inTransaction(
        target -> {
          refuseUnlessNew(to, target);
          try (Statement s = target.createStatement()) {
            s.executeUpdate("DELETE FROM audit_events");
          }
          Map<String, Long> copied = new LinkedHashMap<>();
          for (String table : TABLES) {
            copied.put(table, from.read(source -> copyTable(source, target, table)));
          }
          if (to.isPostgres()) {
            restartIdentities(target);
          }
          return copied;
        });
  }

  private static void refuseUnlessNew(Database to, Connection target) throws SQLException {
    List<String> holding = new ArrayList<>();
    for (String table : TABLES) {
      String sql =
          table.equals("audit_events")
              ? "SELECT count(*) FROM audit_events WHERE event_type <> 'audit_genesis'"
              : "SELECT count(*) FROM " + table;
      try (Statement s = target.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        if (rs.next() && rs.getLong(1) > 0) {
          holding.add(table);
        }
      }
    }
    if (!holding.isEmpty()) {
      throw new AgentCliException(
          ErrorCode.STORE_NOT_EMPTY,
          "the target store "
              + to.name()
              + " already holds rows ("
              + String.join(", ", holding)
              + "): a copy goes only into a new store, and nothing was written",
          Map.of("database", to.name(), "tables", holding));
    }
  }

  private static long copyTable(Connection source, Connection target, String table)
      throws SQLException {
    long rows = 0;
    try (Statement s = source.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
      ResultSetMetaData meta = rs.getMetaData();
      int n = meta.getColumnCount();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        columns.add(meta.getColumnName(i));
      }
      String insert =
          "INSERT INTO "
              + table
              + " ("
              + String.join(", ", columns)
              + ") VALUES ("
              + String.join(", ", Collections.nCopies(n, "?"))
              + ")";
      try (PreparedStatement p = target.prepareStatement(insert)) {
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            p.setObject(i, rs.getObject(i));
          }
          p.addBatch();
          if (++rows % 500 == 0) {
            p.executeBatch();
          }
        }
        p.executeBatch();
      }
    }
    return rows;
  }

  /** The identity columns continue after the ids copied, as SQLite's rowids do by themselves. */
  private static void restartIdentities(Connection target) throws SQLException {
    List<String> withIdentity = new ArrayList<>();
    try (Statement s = target.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.columns WHERE table_schema ="
                    + " current_schema() AND column_name = 'id' AND is_identity = 'YES'")) {
      while (rs.next()) {
        withIdentity.add(rs.getString(1));
      }
    }
    for (String table : withIdentity) {
      try (Statement s = target.createStatement()) {
        s.execute(
            "SELECT setval(pg_get_serial_sequence('"
                + table
                + "', 'id'), max(id)) FROM "
                + table
                + " HAVING max(id) IS NOT NULL");
      }
    }
  }
}
