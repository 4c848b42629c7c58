package dev.agentcli.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exactly what the migrations create at each schema version (tables, columns, types, indexes,
 * views, triggers: every row of {@code sqlite_schema}, with its SQL), and how a database differs
 * from it. A table rebuilt without STRICT, a planted trigger or view, a changed column: each is a
 * difference, named. The expected schemas ship as {@code schema-v<n>.tsv} beside this class; {@code
 * SchemaCheckTest} regenerates them from fresh migrations and fails when they are stale.
 */
final class SchemaCheck {
  private SchemaCheck() {}

  /** One line per {@code sqlite_schema} row, sorted: type, name, table, the SQL (escaped). */
  static String dump(Connection c) throws SQLException {
    return format(read(c));
  }

  /** What differs between the database on {@code c} and schema {@code version}; empty if none. */
  static List<String> differences(Connection c, int version) throws SQLException {
    Map<String, String> expected = parse(expected(version));
    Map<String, String> actual = read(c);
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, String> e : actual.entrySet()) {
      String want = expected.get(e.getKey());
      if (want == null) {
        found.add(e.getKey() + " is not part of schema " + version);
      } else if (!want.equals(e.getValue())) {
        found.add(e.getKey() + " differs from schema " + version);
      }
    }
    for (String key : expected.keySet()) {
      if (!actual.containsKey(key)) {
        found.add(key + " is missing");
      }
    }
    return found;
  }

  private static Map<String, String> read(Connection c) throws SQLException {
    Map<String, String> rows = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_schema")) {
      while (rs.next()) {
        String sql = rs.getString(4);
        rows.put(
            rs.getString(1) + " " + rs.getString(2),
            rs.getString(3) + "\t" + (sql == null ? "-" : escape(sql)));
      }
    }
    return rows;
  }

  /** The SQL on one line: backslashes, newlines and tabs escaped. */
  private static String escape(String sql) {
    return sql.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
  }

  private static String format(Map<String, String> rows) {
    StringBuilder out = new StringBuilder();
    rows.forEach((k, v) -> out.append(k.replace(' ', '\t')).append('\t').append(v).append('\n'));
    return out.toString();
  }

  private static Map<String, String> parse(String text) {
    Map<String, String> rows = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        String[] f = line.split("\t", 4);
        rows.put(f[0] + " " + f[1], f[2] + "\t" + f[3]);
      }
    }
    return rows;
  }

  static String expected(int version) {
    if (version == 0) {
      return ""; // a new database: nothing may be there yet
    }
    try (InputStream in = SchemaCheck.class.getResourceAsStream("schema-v" + version + ".tsv")) {
      if (in == null) {
        throw new IllegalStateException("no expected schema for version " + version);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the expected schema " + version, e);
    }
  }
}
