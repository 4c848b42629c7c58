package dev.agentcli.store;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.profile.Phases;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.Set;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * The one place that opens a store: a SQLite file (the default) with the pragmas every caller
 * relies on (WAL, {@code synchronous=FULL}, {@code busy_timeout}, foreign keys), or a shared
 * PostgreSQL database; migrations run only when the schema is behind, and {@link #inTransaction}
 * for atomic work, which on both takes the one write lock before anything is read.
 */
public final class Database implements AutoCloseable {
  /** The schema this build knows: the version the last migration records. */
  public static final int SCHEMA_VERSION = 7;

  /**
   * The PostgreSQL advisory lock every write transaction takes first, as SQLite's BEGIN IMMEDIATE
   * takes the file's write lock: writers follow one another, so the audit chain stays one chain and
   * a claim reads nothing another writer could change before it commits.
   */
  public static final long WRITER_LOCK = 0x6167656e74636c69L; // "agentcli"

  private final Path file;
  private final PostgresUrl server;
  private final DataSource serverSource;
  private final Duration lockTimeout;
  private final Connection connection;
  private PreparedStatement dataVersion;
  private final List<AuditEvent> appended = new ArrayList<>();
  private int transactionDepth;
  private List<String> tampering = List.of();

  private Database(
      Path file,
      PostgresUrl server,
      DataSource serverSource,
      Duration lockTimeout,
      Connection connection) {
    this.file = file;
    this.server = server;
    this.serverSource = serverSource;
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
    refuseUnsafe(file);
    createIfMissing(file);
    return migrated(connect(file, lockTimeout));
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
    return migrated(PostgresConnections.connect(server, password, lockTimeout));
  }

  /** As {@link #openIfExists(Path, Duration)}: empty while the server holds no agentcli tables. */
  public static Optional<Database> openIfExists(
      PostgresUrl server, String password, Duration lockTimeout) {
    Database db = PostgresConnections.connect(server, password, lockTimeout);
    boolean empty;
    try {
      empty = db.read(c -> PostgresConnections.schemaVersion(c)) == 0;
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

  static Database ofPostgres(
      PostgresUrl server, DataSource source, Duration lockTimeout, Connection c) {
    return new Database(null, server, source, lockTimeout, c);
  }

  /** The SQLite file; null for a PostgreSQL store. */
  public Path file() {
    return file;
  }

  /** Whether this is a shared PostgreSQL store. */
  public boolean isPostgres() {
    return server != null;
  }

  /** The store as messages name it: the SQLite file, or the PostgreSQL URL (it holds no secret). */
  public String name() {
    return server != null ? server.toString() : file.toString();
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
      if (server == null) {
        s.execute("BEGIN IMMEDIATE");
      } else {
        s.execute("BEGIN");
        // 0 would mean no limit in PostgreSQL: the shortest wait it knows instead.
        s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
        s.execute("SELECT pg_advisory_xact_lock(" + WRITER_LOCK + ")");
      }
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
   * A number that changes whenever another connection commits to the database ({@code PRAGMA
   * data_version}; on PostgreSQL the newest audit event's id, since every write appends one): what
   * a waiting agent or a watcher polls, to read again only when something happened. Prepared once:
   * they ask several times a second.
   */
  public long dataVersion() {
    return read(
        c -> {
          if (dataVersion == null) {
            dataVersion =
                c.prepareStatement(
                    server == null
                        ? "PRAGMA data_version"
                        : "SELECT coalesce(max(id), 0) FROM audit_events");
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
    if (server != null) {
      return PostgresConnections.translate(server, e);
    }
    int base = e.getErrorCode() & 0xff;
    if (base == SQLiteErrorCode.SQLITE_BUSY.code || base == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return new AgentCliException(
          ErrorCode.APPROVAL_LOCK_TIMEOUT,
          "the database " + file + " is locked by another writer; try again",
          Map.of("database", file.toString(), "sqlite_code", e.getErrorCode()),
          e);
    }
    if (base == SQLiteErrorCode.SQLITE_FULL.code) {
      return new AgentCliException(
          ErrorCode.DATABASE_FULL,
          "the disk holding " + file + " is full; nothing was written",
          Map.of("database", file.toString()),
          e);
    }
    if (base == SQLiteErrorCode.SQLITE_NOTADB.code || base == SQLiteErrorCode.SQLITE_CORRUPT.code) {
      return new AgentCliException(
          ErrorCode.DATABASE_ERROR,
          file + " is not a usable agentcli database: " + e.getMessage(),
          Map.of("database", file.toString()),
          e);
    }
    return new AgentCliException(
        ErrorCode.DATABASE_ERROR,
        "database error on " + file + ": " + e.getMessage(),
        Map.of("database", file.toString(), "sqlite_code", e.getErrorCode()),
        e);
  }

  private void rollbackQuietly() {
    try (Statement s = connection.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException alreadyGone) {
      // SQLite ends the transaction by itself after some errors, and a PostgreSQL connection that
      // is gone took its transaction with it: nothing is left to roll back.
    }
  }

  private static void refuseUnsafe(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null && Files.isSymbolicLink(dir)) {
      throw unsafe(dir, "the state folder is a symbolic link");
    }
    if (Files.isSymbolicLink(file)) {
      throw unsafe(file, "the database path is a symbolic link");
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw unsafe(file, "the database path is not a regular file");
    }
    // Anyone who can write the folder (unless it is sticky, like /tmp) or the file can swap or
    // edit the database.
    for (Path p : new Path[] {dir, file}) {
      if (p != null && worldWritable(p)) {
        throw unsafe(p, "it is writable by every user (chmod o-w to fix)");
      }
    }
  }

  private static boolean worldWritable(Path p) {
    try {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      boolean sticky = (mode & 01000) != 0;
      return (mode & 0002) != 0 && !(sticky && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static AgentCliException unsafe(Path path, String why) {
    return new AgentCliException(
        ErrorCode.UNSAFE_PATH,
        why + ": " + path + "; refusing to use it",
        Map.of("path", path.toString()));
  }

  private static void createIfMissing(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        try {
          // An empty file is a valid empty database; creating it here sets 0600 before SQLite
          // writes a byte, and SQLite gives its -wal and -shm files the same mode.
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
          // Another process created it first: fine.
        }
      }
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.DATABASE_ERROR,
          "cannot create the database " + file + ": " + e,
          Map.of("database", file.toString()),
          e);
    }
  }

  private static Database connect(Path file, Duration lockTimeout) {
    SQLiteConfig config = new SQLiteConfig();
    Phases.mark("sqlite_config");
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, lockTimeout.toMillis()));
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    try {
      Connection c = config.createConnection("jdbc:sqlite:" + file);
      Phases.mark("sqlite_connected");
      return new Database(file, null, null, lockTimeout, c);
    } catch (SQLException e) {
      throw new Database(file, null, null, lockTimeout, null).translate(e);
    }
  }

  private int userVersion() throws SQLException {
    if (server != null) {
      return PostgresConnections.schemaVersion(connection);
    }
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private void migrateIfBehind() {
    try {
      int version = userVersion();
      if (version == SCHEMA_VERSION) {
        tampering =
            server == null
                ? SchemaCheck.differences(connection, SCHEMA_VERSION)
                : SchemaCheck.differencesPostgres(connection, SCHEMA_VERSION);
        return;
      }
      if (version > SCHEMA_VERSION) {
        throw newer(version);
      }
    } catch (SQLException e) {
      throw translate(e);
    }
    if (server != null) {
      // Flyway locks PostgreSQL's history table itself: concurrent first runs take turns there.
      Migrations.migrate(serverSource);
      try {
        if (userVersion() != SCHEMA_VERSION) {
          throw new AgentCliException(
              ErrorCode.DATABASE_ERROR,
              "migrating " + name() + " did not reach schema version " + SCHEMA_VERSION);
        }
        tampering = SchemaCheck.differencesPostgres(connection, SCHEMA_VERSION);
      } catch (SQLException e) {
        throw translate(e);
      }
      return;
    }
    // A process holds a file lock once: threads of one process (the MCP server's calls) take turns.
    synchronized (Database.class) {
      migrateUnderLock();
    }
  }

  /**
   * Concurrent first runs would race to create the tables: one process migrates at a time. The
   * kernel releases this lock when its holder exits, however it exits: it is never stale. The lock
   * file gets the database's own mode, so that every user who may write the database (a group, in
   * the privilege-separated deployment) can take it.
   */
  @SuppressWarnings("try") // the lock is held for the block, not referenced in it
  private void migrateUnderLock() {
    try {
      Path lockFile = file.resolveSibling(file.getFileName() + ".migrate-lock");
      try (FileChannel channel =
              FileChannel.open(
                  lockFile,
                  Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                  PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file)));
          FileLock lock = channel.lock()) {
        int version = userVersion();
        if (version > SCHEMA_VERSION) {
          throw newer(version);
        }
        // A database edited at an older version is not migrated: its migrations would run the
        // planted triggers.
        tampering = SchemaCheck.differences(connection, version);
        if (!tampering.isEmpty()) {
          return;
        }
        if (version < SCHEMA_VERSION) {
          try (Statement s = connection.createStatement()) {
            // WAL is a property of the file and cannot be set inside a migration's transaction.
            s.execute("PRAGMA journal_mode=WAL");
          }
          Migrations.migrate(file);
          if (userVersion() != SCHEMA_VERSION) {
            throw new AgentCliException(
                ErrorCode.DATABASE_ERROR,
                "migrating " + file + " did not reach schema version " + SCHEMA_VERSION);
          }
        }
        tampering = SchemaCheck.differences(connection, SCHEMA_VERSION);
      }
    } catch (SQLException e) {
      throw translate(e);
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.DATABASE_ERROR, "cannot lock " + file + " for migration: " + e, Map.of(), e);
    }
  }

  private AgentCliException newer(int version) {
    return new AgentCliException(
        ErrorCode.DATABASE_NEWER_THAN_BUILD,
        name()
            + " has schema version "
            + version
            + ", newer than this agentcli knows ("
            + SCHEMA_VERSION
            + "); upgrade agentcli rather than downgrade the database",
        Map.of("database", name(), "schema_version", version, "known_version", SCHEMA_VERSION));
  }
}
