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
    return differences(parse(expected(version)), read(c), version);
  }

  /**
   * PostgreSQL's counterpart, one line per object of agentcli's schema, sorted: each table (kind,
   * persistence, row security, every column's type, nullability, default, identity and collation),
   * constraint, index, domain and sequence, each view's columns, and every trigger, rule, policy
   * and function (agentcli creates none of these: any one is a difference). A view's text is not
   * compared: its deparsed form varies between server versions, and agentcli reads no view.
   */
  static String dumpPostgres(Connection c) throws SQLException {
    return format(readPostgres(c));
  }

  /** As {@link #differences(Connection, int)}, for a PostgreSQL store. */
  static List<String> differencesPostgres(Connection c, int version) throws SQLException {
    return differences(parse(shipped("postgresql-v" + version)), readPostgres(c), version);
  }

  private static List<String> differences(
      Map<String, String> expected, Map<String, String> actual, int version) {
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

  /** The catalog query: (kind, name, table, definition) for every object of the schema. */
  private static final String POSTGRES_OBJECTS =
      "WITH ns AS (SELECT current_schema()::regnamespace AS oid)"
          + " SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' WHEN c.relkind IN ('v', 'm')"
          + " THEN 'view' ELSE 'table' END, c.relname, c.relname, c.relkind::text || ' '"
          + " || c.relpersistence::text || ' rls ' || c.relrowsecurity::text || '/'"
          + " || c.relforcerowsecurity::text"
          + " || ': ' || coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid,"
          + " a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || coalesce('"
          + " default ' || pg_get_expr(d.adbin, d.adrelid), '') || CASE WHEN a.attidentity <> ''"
          + " THEN ' identity ' || a.attidentity::text ELSE '' END || coalesce(' collate ' ||"
          + " co.collname, ''), ', ' ORDER BY a.attnum) FROM pg_attribute a LEFT JOIN pg_attrdef"
          + " d ON d.adrelid = a.attrelid AND d.adnum = a.attnum LEFT JOIN pg_collation co ON"
          + " co.oid = a.attcollation AND co.collname <> 'default' WHERE a.attrelid = c.oid AND"
          + " a.attnum > 0 AND NOT a.attisdropped AND c.relkind <> 'S'), '')"
          + " FROM pg_class c, ns WHERE c.relnamespace = ns.oid"
          + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
          + " UNION ALL SELECT 'constraint', coalesce(cl.relname, t.typname) || '.' || k.conname,"
          + " coalesce(cl.relname, t.typname), pg_get_constraintdef(k.oid) FROM pg_constraint k"
          + " JOIN ns ON k.connamespace = ns.oid LEFT JOIN pg_class cl ON cl.oid = k.conrelid"
          + " LEFT JOIN pg_type t ON t.oid = k.contypid"
          + " UNION ALL SELECT 'index', c.relname, t.relname, pg_get_indexdef(i.indexrelid)"
          + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid ="
          + " i.indrelid JOIN ns ON c.relnamespace = ns.oid"
          + " UNION ALL SELECT 'trigger', g.tgname, c.relname, pg_get_triggerdef(g.oid) FROM"
          + " pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN ns ON c.relnamespace ="
          + " ns.oid WHERE NOT g.tgisinternal"
          + " UNION ALL SELECT 'rule', r.rulename, c.relname, pg_get_ruledef(r.oid) FROM"
          + " pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN ns ON c.relnamespace ="
          + " ns.oid WHERE r.rulename <> '_RETURN'"
          + " UNION ALL SELECT 'policy', p.polname, c.relname, p.polcmd::text FROM pg_policy p"
          + " JOIN pg_class c ON c.oid = p.polrelid JOIN ns ON c.relnamespace = ns.oid"
          + " UNION ALL SELECT 'function', p.oid::regprocedure::text, '-', '-' FROM pg_proc p"
          + " JOIN ns ON p.pronamespace = ns.oid"
          + " UNION ALL SELECT 'domain', t.typname, '-', format_type(t.typbasetype, t.typtypmod)"
          + " || coalesce(' collate ' || co.collname, '') FROM pg_type t JOIN ns ON"
          + " t.typnamespace = ns.oid LEFT JOIN pg_collation co ON co.oid = t.typcollation AND"
          + " co.collname <> 'default' WHERE t.typtype = 'd'";

  private static Map<String, String> readPostgres(Connection c) throws SQLException {
    Map<String, String> rows = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(POSTGRES_OBJECTS)) {
      while (rs.next()) {
        rows.put(
            rs.getString(1) + " " + rs.getString(2).replaceAll("\\s", "_"),
            rs.getString(3) + "\t" + escape(rs.getString(4)));
      }
    }
    return rows;
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
    return shipped("v" + version);
  }

  /** The shipped schema {@code schema-<version>.tsv}: {@code v7}, {@code postgresql-v7}. */
  static String shipped(String version) {
    try (InputStream in = SchemaCheck.class.getResourceAsStream("schema-" + version + ".tsv")) {
      if (in == null) {
        throw new IllegalStateException("no expected schema for version " + version);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the expected schema " + version, e);
    }
  }
}
