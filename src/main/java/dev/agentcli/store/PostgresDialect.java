package dev.agentcli.store;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.profile.Phases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A shared PostgreSQL database: connections with a bound on every wait, a write transaction that
 * takes one advisory lock first (as SQLite's BEGIN IMMEDIATE takes the file's), Flyway's locked
 * migrations, and what the server's errors mean to agentcli's callers.
 */
record PostgresDialect(PostgresUrl server, DataSource source) implements Dialect {
  /**
   * The advisory lock every write transaction takes first: writers follow one another, so the audit
   * chain stays one chain and a claim reads nothing another writer could change before it commits.
   */
  static final long WRITER_LOCK = 0x6167656e74636c69L; // "agentcli"

  /** How long the server keeps a transaction whose client went quiet (agentcli's take ms). */
  static final int IDLE_IN_TRANSACTION_MS = 15_000;

  /** Seconds to reach the server before {@code database_unavailable}. */
  private static final int CONNECT_TIMEOUT_S = 10;

  /** Connects to {@code server}; not yet migrated. */
  static Database connect(PostgresUrl server, String password, Duration lockTimeout) {
    Phases.mark("before_database");
    PostgresDialect dialect =
        new PostgresDialect(server, dataSource(server, password, lockTimeout));
    Phases.mark("postgres_driver");
    try {
      Connection c = dialect.source.getConnection();
      Phases.mark("postgres_connected");
      return new Database(dialect, lockTimeout, c);
    } catch (SQLException e) {
      throw dialect.translate(e);
    }
  }

  @Override
  public String name() {
    return server.toString();
  }

  @Override
  public void begin(Statement s, Duration lockTimeout) throws SQLException {
    s.execute("BEGIN");
    // 0 would mean no limit in PostgreSQL: the shortest wait it knows instead.
    s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
    s.execute("SELECT pg_advisory_xact_lock(" + WRITER_LOCK + ")");
  }

  /** The newest audit event's id: every write appends one. */
  @Override
  public String dataVersionSql() {
    return "SELECT coalesce(max(id), 0) FROM audit_events";
  }

  @Override
  public List<String> differences(Connection c, int version) throws SQLException {
    return SchemaCheck.differencesPostgres(c, version);
  }

  /** Flyway locks PostgreSQL's history table itself: concurrent first runs take turns there. */
  @Override
  public List<String> migrate(Connection c) throws SQLException {
    Migrations.migrate(source);
    Database.requireMigrated(name(), schemaVersion(c));
    return differences(c, Database.SCHEMA_VERSION);
  }

  @Override
  public String claimableGrants() {
    return "grants g";
  }

  @Override
  public String claimTieBreak() {
    return "g.approval_id";
  }

  /** A column holds its declared type only: a plain comparison. */
  @Override
  public String idMatches() {
    return "= ?";
  }

  /**
   * The driver's settings: host, port, database and role from the URL, the password given (or none:
   * the driver then reads PGPASSFILE or ~/.pgpass), and bounds on every wait, so that a server that
   * went away mid-claim is an error and not a hang: a statement's answer is awaited at most the
   * lock timeout and half a minute more.
   */
  static PGSimpleDataSource dataSource(PostgresUrl server, String password, Duration lockTimeout) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {server.host()});
    source.setPortNumbers(new int[] {server.port()});
    source.setDatabaseName(server.database());
    source.setUser(server.user());
    if (password != null) {
      source.setPassword(password);
    }
    source.setApplicationName("agentcli");
    source.setSslMode(server.effectiveSslmode());
    // Text parameters untyped, as SQLite takes them: the server gives each its column's type (a
    // use number bound as text lands in a bigint column), or refuses it.
    source.setStringType("unspecified");
    source.setConnectTimeout(CONNECT_TIMEOUT_S);
    source.setTcpKeepAlive(true);
    source.setSocketTimeout((int) Math.min(Integer.MAX_VALUE, lockTimeout.toSeconds() + 30));
    // A client that stops answering inside a transaction (its host cut off, its process frozen)
    // would hold the writer's lock until TCP gave up on it, hours later: the server ends such a
    // session, and releases the lock, after this long.
    source.setOptions("-c idle_in_transaction_session_timeout=" + IDLE_IN_TRANSACTION_MS);
    return source;
  }

  @Override
  public int schemaVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      // Asked apart: a query that names a missing table fails even where it would not read it.
      try (ResultSet rs = s.executeQuery("SELECT to_regclass('agentcli_schema') IS NOT NULL")) {
        if (!rs.next() || !rs.getBoolean(1)) {
          return 0;
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT version FROM agentcli_schema")) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  /**
   * What a PostgreSQL error means: the writer's lock not had in time and a transaction the server
   * gave up on (serialization, deadlock) are {@code approval_lock_timeout}, a server that cannot be
   * reached or went away is {@code database_unavailable}; both are worth a retry, and neither left
   * a half-done claim (a claim whose commit was cut off is either consumed, and a retry finds no
   * grant, or not, and a retry claims it).
   */
  @Override
  public AgentCliException translate(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    Map<String, Object> details = Map.of("database", server.toString(), "sqlstate", state);
    if (state.equals("55P03") || state.equals("40001") || state.equals("40P01")) {
      return new AgentCliException(
          ErrorCode.APPROVAL_LOCK_TIMEOUT,
          "the database " + server + " is locked by another writer; try again",
          details,
          e);
    }
    if (state.startsWith("08") && String.valueOf(e.getMessage()).contains("SSL")) {
      return new AgentCliException(
          ErrorCode.DATABASE_TLS_FAILED,
          "TLS to the PostgreSQL server of "
              + server
              + " failed (sslmode="
              + server.effectiveSslmode()
              + "): "
              + e.getMessage()
              + ". A server off this machine must offer TLS with a certificate that chains to"
              + " ~/.postgresql/root.crt and names its host; ?sslmode=disable only on a network"
              + " you trust",
          details,
          e);
    }
    if (state.startsWith("28") || state.equals("08004")) {
      // A wrong password, none at all, or pg_hba.conf's refusal: no retry can help.
      return new AgentCliException(
          ErrorCode.DATABASE_AUTH_FAILED,
          "the PostgreSQL server of "
              + server
              + " refused agentcli's login ("
              + e.getMessage()
              + "); give the password in PGPASSWORD, PGPASSFILE or ~/.pgpass (under an operator"
              + " configuration: its database_password_file). A retry will not help",
          details,
          e);
    }
    if (state.startsWith("08") || state.startsWith("57P") || state.equals("25P03")) {
      return new AgentCliException(
          ErrorCode.DATABASE_UNAVAILABLE,
          "the PostgreSQL server of "
              + server
              + " cannot be reached or went away ("
              + e.getMessage()
              + "); try again",
          details,
          e);
    }
    if (state.equals("53100")) {
      return new AgentCliException(
          ErrorCode.DATABASE_FULL,
          "the disk of the PostgreSQL server of " + server + " is full; nothing was written",
          details,
          e);
    }
    return new AgentCliException(
        ErrorCode.DATABASE_ERROR,
        "database error on " + server + ": " + e.getMessage(),
        details,
        e);
  }
}
