package dev.agentcli.store;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.profile.Phases;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that opens a store, a SQLite file (the default, {@link SqliteDialect}) or a shared
 * PostgreSQL database ({@link PostgresDialect}): migrations run only when the schema is behind, and
 * {@link #inTransaction} for atomic work, which on both takes the one write lock before anything is
 * read.
 */
public final class Database implements AutoCloseable {
  /** The schema this build knows: the version the last migration records. */
  public static final int SCHEMA_VERSION = 7;

  /** The PostgreSQL advisory lock every write transaction takes first (tests hold it). */
  public static final long WRITER_LOCK = PostgresDialect.WRITER_LOCK;

  private final Dialect dialect;
  private final Duration lockTimeout;
  private final Connection connection;
  private PreparedStatement dataVersion;
  private final List<AuditEvent> appended = new ArrayList<>();
  private int transactionDepth;
  private List<String> tampering = List.of();

  Database(Dialect dialect, Duration lockTimeout, Connection connection) {
    this.dialect = dialect;
    this.lockTimeout = lockTimeout;
    this.connection = connection;
  }

  /** A unit of work on the connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Opens the database at {@code file}, creating it (0600, in a 0700 folder) and migrating it to
   * {@link #SCHEMA_VERSION} when needed.
   *
   * @param lockTimeout how long to wait for the write lock before {@code approval_lock_timeout}
   */
  public static Database open(Path file, Duration lockTimeout) {
    Phases.mark("before_database");
    return migrated(SqliteDialect.connect(file, lockTimeout));
  }

  /** {@code db} brought to {@link #SCHEMA_VERSION} and checked; closed if that fails. */
  private static Database migrated(Database db) {
    try {
      db.migrateIfBehind();
      Phases.mark("schema_checked");
      return db;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Opens the database only if it exists, for commands that only read: a missing database reads as
   * empty and is not created.
   */
  public static Optional<Database> openIfExists(Path file, Duration lockTimeout) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    return Optional.of(open(file, lockTimeout));
  }

  /**
   * Opens the PostgreSQL database at {@code server}, creating agentcli's tables when they are
   * missing and migrating them when behind.
   *
   * @param password from PGPASSWORD or the operator's password file; null to let the driver read
   *     PGPASSFILE or ~/.pgpass
   */
  public static Database open(PostgresUrl server, String password, Duration lockTimeout) {
    return migrated(PostgresDialect.connect(server, password, lockTimeout));
  }

  /** As {@link #openIfExists(Path, Duration)}: empty while the server holds no agentcli tables. */
  public static Optional<Database> openIfExists(
      PostgresUrl server, String password, Duration lockTimeout) {
    Database db = PostgresDialect.connect(server, password, lockTimeout);
    boolean empty;
    try {
      empty = db.read(db.dialect::schemaVersion) == 0;
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    if (empty) {
      db.close();
      return Optional.empty();
    }
    return Optional.of(migrated(db));
  }

  /** The SQLite file; null for a PostgreSQL store. */
  public Path file() {
    return dialect instanceof SqliteDialect sqlite ? sqlite.file() : null;
  }

  /** Whether this is a shared PostgreSQL store. */
  public boolean isPostgres() {
    return dialect instanceof PostgresDialect;
  }

  /** The store as messages name it: the SQLite file, or the PostgreSQL URL (it holds no secret). */
  public String name() {
    return dialect.name();
  }

  /** What differs in this store's SQL. */
  Dialect dialect() {
    return dialect;
  }

  /**
   * How this database's schema differs from what the migrations create: a planted trigger or view,
   * a table rebuilt without STRICT, a changed column. Not empty means every write, and so every
   * claim, is refused ({@code database_tampered}); reads still work, to report it.
   */
  public List<String> tampering() {
    return tampering;
  }

  /**
   * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction: the write lock is taken before
   * anything is read, so nothing read can be stale when written. Commits on return, rolls back on
   * any exception. Called inside another transaction, {@code work} joins it and commits with it.
   */
  public <T> T inTransaction(Work<T> work) {
    if (!tampering.isEmpty()) {
      throw new AgentCliException(
          ErrorCode.DATABASE_TAMPERED,
          "the schema of "
              + name()
              + " is not what agentcli's migrations create, so nothing is written and no grant is"
              + " used: "
              + String.join("; ", tampering),
          Map.of("database", name(), "differences", tampering));
    }
    if (transactionDepth > 0) {
      transactionDepth++;
      try {
        return work.run(connection);
      } catch (SQLException e) {
        throw translate(e);
      } finally {
        transactionDepth--;
      }
    }
    try (Statement s = connection.createStatement()) {
      dialect.begin(s, lockTimeout);
    } catch (SQLException e) {
      rollbackQuietly();
      throw translate(e);
    }
    transactionDepth = 1;
    boolean committed = false;
    try {
      T result = work.run(connection);
      try (Statement s = connection.createStatement()) {
        s.execute("COMMIT");
      }
      committed = true;
      return result;
    } catch (SQLException e) {
      throw translate(e);
    } finally {
      transactionDepth = 0;
      if (!committed) {
        rollbackQuietly();
      }
    }
  }

  /**
   * A number that changes whenever another connection commits to the database: what a waiting agent
   * or a watcher polls, to read again only when something happened. Prepared once: they ask several
   * times a second.
   */
  public long dataVersion() {
    return read(
        c -> {
          if (dataVersion == null) {
            dataVersion = c.prepareStatement(dialect.dataVersionSql());
          }
          try (ResultSet rs = dataVersion.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
          }
        });
  }

  private Map<String, Object> caller = Map.of();

  /**
   * Who this process acts for (the OS user, host and pid): every event appended through this
   * connection records it, and names the OS user as the actor where no principal acts.
   */
  public void actingAs(Map<String, Object> caller) {
    this.caller = Map.copyOf(caller);
  }

  Map<String, Object> caller() {
    return caller;
  }

  /**
   * The ids in {@code table}'s {@code column} that start with {@code prefix} (lowercase hex), in
   * order, at most {@code limit}: what a short id resolves against. Table and column are this
   * package's constants, never input.
   */
  List<String> idsStartingWith(String table, String column, String prefix, int limit) {
    return read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + column
                      + " FROM "
                      + table
                      + " WHERE "
                      + column
                      + " >= ? AND "
                      + column
                      + " < ? ORDER BY "
                      + column
                      + " LIMIT ?")) {
            ps.setString(1, prefix);
            ps.setString(2, prefix + "g"); // every id with the prefix sorts below prefix + 'g'
            ps.setInt(3, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
            return ids;
          }
        });
  }

  /** Notes an event this connection appended (its transaction may still roll back). */
  void appended(AuditEvent event) {
    synchronized (appended) {
      appended.add(event);
    }
  }

  /**
   * The events this connection appended since the last call, as chained: committed or not (a caller
   * compares them with what the trail holds).
   */
  public List<AuditEvent> takeAppended() {
    synchronized (appended) {
      List<AuditEvent> taken = List.copyOf(appended);
      appended.clear();
      return taken;
    }
  }

  /** Runs read-only {@code work} outside any write transaction. */
  public <T> T read(Work<T> work) {
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  @Override
  public void close() {
    try {
      if (dataVersion != null) {
        dataVersion.close();
      }
      connection.close();
    } catch (SQLException e) {
      // Nothing is pending: every write committed or rolled back before this point.
    }
  }

  AgentCliException translate(SQLException e) {
    return dialect.translate(e);
  }

  private void rollbackQuietly() {
    try (Statement s = connection.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException alreadyGone) {
      // SQLite ends the transaction by itself after some errors, and a PostgreSQL connection that
      // is gone took its transaction with it: nothing is left to roll back.
    }
  }

  private void migrateIfBehind() {
    try {
      int version = dialect.schemaVersion(connection);
      if (version > SCHEMA_VERSION) {
        throw newer(name(), version);
      }
      tampering =
          version == SCHEMA_VERSION
              ? dialect.differences(connection, SCHEMA_VERSION)
              : dialect.migrate(connection);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  static AgentCliException newer(String name, int version) {
    return new AgentCliException(
        ErrorCode.DATABASE_NEWER_THAN_BUILD,
        name
            + " has schema version "
            + version
            + ", newer than this agentcli knows ("
            + SCHEMA_VERSION
            + "); upgrade agentcli rather than downgrade the database",
        Map.of("database", name, "schema_version", version, "known_version", SCHEMA_VERSION));
  }

  /** Throws unless {@code version}, read after migrating, is {@link #SCHEMA_VERSION}. */
  static void requireMigrated(String name, int version) {
    if (version != SCHEMA_VERSION) {
      throw new AgentCliException(
          ErrorCode.DATABASE_ERROR,
          "migrating " + name + " did not reach schema version " + SCHEMA_VERSION);
    }
  }
}
