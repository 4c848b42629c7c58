package dev.agentcli.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a shared PostgreSQL store is: {@code postgresql://[user@]host[:port]/database}. Nothing
 * else is taken from the URL: a password there would sit in the process list and the shell's
 * history (it comes from {@code PGPASSWORD}, a password file or {@code ~/.pgpass}), and a query
 * string would hand the driver's properties ({@code socketFactory}, {@code loggerFile}, {@code
 * sslfactory}: classes to load, files to write) to whoever wrote the URL, who may be the agent.
 *
 * @param user the role to connect as (default: the OS user, as psql does)
 */
public record PostgresUrl(String host, int port, String database, String user) {
  private static final Pattern FORM =
      Pattern.compile(
          "postgres(?:ql)?://(?:([^:@/?#]+)@)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?"
              + "/([A-Za-z0-9_.-]+)");

  /** Whether {@code value} names a PostgreSQL store (well formed or not). */
  public static boolean isOne(String value) {
    return value.startsWith("postgresql://") || value.startsWith("postgres://");
  }

  /**
   * Reads {@code value}.
   *
   * @throws IllegalArgumentException saying what is wrong, for a usage error or an invalid
   *     configuration
   */
  public static PostgresUrl parse(String value, String osUser) {
    if (value.matches("postgres(ql)?://[^/@]*:[^/@]*@.*")) {
      throw new IllegalArgumentException(
          "a PostgreSQL URL may not hold a password: give it in PGPASSWORD, ~/.pgpass or the"
              + " operator configuration's database_password_file");
    }
    if (value.contains("?") || value.contains("#")) {
      throw new IllegalArgumentException(
          "a PostgreSQL URL may not carry parameters (driver properties are not the caller's to"
              + " set): postgresql://[user@]host[:port]/database");
    }
    Matcher m = FORM.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a PostgreSQL URL of the form postgresql://[user@]host[:port]/db");
    }
    int port = m.group(3) == null ? 5432 : Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range in '" + value + "'");
    }
    return new PostgresUrl(m.group(2), port, m.group(4), m.group(1) == null ? osUser : m.group(1));
  }

  /** What the JDBC driver is given: host, port and database, nothing the caller could add to. */
  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The URL as shown in messages and JSON (never with a password: it has none). */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
