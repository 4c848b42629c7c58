package dev.agentcli.store;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a shared PostgreSQL store is: {@code postgresql://[user@]host[:port]/database}, with at
 * most one parameter, {@code ?sslmode=disable|require|verify-ca|verify-full}. Nothing else is taken
 * from the URL: a password there would sit in the process list and the shell's history (it comes
 * from {@code PGPASSWORD}, a password file or {@code ~/.pgpass}), and other parameters would hand
 * the driver's properties ({@code socketFactory}, {@code loggerFile}, {@code sslfactory}: classes
 * to load, files to write) to whoever wrote the URL, who may be the agent.
 *
 * <p>Without {@code sslmode}, a server on this machine (a loopback address, {@code localhost}) is
 * reached without TLS and any other with {@code verify-full}: the server's certificate must chain
 * to {@code ~/.postgresql/root.crt} and name the host, because whoever sits between an agent's host
 * and the server could otherwise answer a claim for it. {@code prefer} and {@code allow}, which
 * fall back to plain text when an attacker asks, are refused.
 *
 * @param user the role to connect as (default: the OS user, as psql does)
 * @param sslmode as given in the URL; null for the default
 */
public record PostgresUrl(String host, int port, String database, String user, String sslmode) {
  private static final Pattern FORM =
      Pattern.compile(
          "postgres(?:ql)?://(?:([^:@/?#]+)@)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?"
              + "/([A-Za-z0-9_.-]+)(?:\\?sslmode=([a-z-]+))?");

  private static final Set<String> SSL_MODES =
      Set.of("disable", "require", "verify-ca", "verify-full");

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
    if (value.contains("#") || value.contains("?") && !value.matches("[^?]*\\?sslmode=[a-z-]+")) {
      throw new IllegalArgumentException(
          "a PostgreSQL URL may carry no parameter but sslmode (driver properties are not the"
              + " caller's to set): postgresql://[user@]host[:port]/database[?sslmode=...]");
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
    String sslmode = m.group(5);
    if (sslmode != null && !SSL_MODES.contains(sslmode)) {
      throw new IllegalArgumentException(
          "sslmode="
              + sslmode
              + " is not one agentcli takes: disable, require, verify-ca or verify-full (prefer"
              + " and allow fall back to plain text when whoever is in between asks)");
    }
    return new PostgresUrl(
        m.group(2), port, m.group(4), m.group(1) == null ? osUser : m.group(1), sslmode);
  }

  /** The TLS mode the driver gets: the URL's, else none on loopback and verify-full elsewhere. */
  String effectiveSslmode() {
    if (sslmode != null) {
      return sslmode;
    }
    return host.equals("localhost")
            || host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}")
            || host.equals("[::1]")
        ? "disable"
        : "verify-full";
  }

  /** The URL as shown in messages and JSON (never with a password: it has none). */
  @Override
  public String toString() {
    return "postgresql://"
        + user
        + "@"
        + host
        + ":"
        + port
        + "/"
        + database
        + (sslmode == null ? "" : "?sslmode=" + sslmode);
  }
}
