package dev.agentcli.store;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;

/**
 * A SQLite file, the default store: opened only where no other user can swap or edit it, with the
 * pragmas every caller relies on (WAL, {@code synchronous=FULL}, {@code busy_timeout}, foreign
 * keys); a write transaction is {@code BEGIN IMMEDIATE}, which takes the file's write lock first.
 */
record SqliteDialect(Path file) implements Dialect {
  /**
   * sqlite-jdbc logs through java.util.logging where SLF4J is absent (the shipped jar): a library
   * it failed to delete in /tmp, say, which anyone can plant. Its diagnostics are not agentcli's
   * output, and a stack trace on stderr would break the one line of JSON an agent reads there: off.
   * Set when this class initializes, before any connection loads the library; held here because
   * java.util.logging keeps only weak references to its loggers.
   */
  @SuppressWarnings("unused")
  private static final Logger SQLITE_LOG = quiet(Logger.getLogger("org.sqlite"));

  private static Logger quiet(Logger logger) {
    logger.setLevel(Level.OFF);
    return logger;
  }

  /**
   * Opens {@code file}, creating it (0600, in a 0700 folder) when missing; not yet migrated.
   *
   * @param lockTimeout how long to wait for the write lock before {@code approval_lock_timeout}
   */
  static Database connect(Path file, Duration lockTimeout) {
    refuseUnsafe(file);
    createIfMissing(file);
    SqliteDialect dialect = new SqliteDialect(file);
    SQLiteConfig config = new SQLiteConfig();
    Phases.mark("sqlite_config");
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, lockTimeout.toMillis()));
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    try {
      Connection c = config.createConnection("jdbc:sqlite:" + file);
      Phases.mark("sqlite_connected");
      return new Database(dialect, lockTimeout, c);
    } catch (SQLException e) {
      throw dialect.translate(e);
    }
  }

  @Override
  public String name() {
    return file.toString();
  }

  @Override
  public void begin(Statement s, Duration lockTimeout) throws SQLException {
    s.execute("BEGIN IMMEDIATE");
  }

  @Override
  public String dataVersionSql() {
    return "PRAGMA data_version";
  }

  @Override
  public int schemaVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  @Override
  public List<String> differences(Connection c, int version) throws SQLException {
    return SchemaCheck.differences(c, version);
  }

  /**
   * Concurrent first runs would race to create the tables: one process migrates at a time (and a
   * process holds a file lock once: its threads, the MCP server's calls, take turns). The kernel
   * releases the lock when its holder exits, however it exits: it is never stale. The lock file
   * gets the database's own mode, so that every user who may write the database (a group, in the
   * privilege-separated deployment) can take it.
   */
  @Override
  @SuppressWarnings("try") // the lock is held for the block, not referenced in it
  public List<String> migrate(Connection c) throws SQLException {
    synchronized (SqliteDialect.class) {
      Path lockFile = file.resolveSibling(file.getFileName() + ".migrate-lock");
      try (FileChannel channel =
              FileChannel.open(
                  lockFile,
                  Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                  PosixFilePermissions.asFileAttribute(Files.getPosixFilePermissions(file)));
          FileLock lock = channel.lock()) {
        int version = schemaVersion(c);
        if (version > Database.SCHEMA_VERSION) {
          throw Database.newer(name(), version);
        }
        // A database edited at an older version is not migrated: its migrations would run the
        // planted triggers.
        List<String> tampering = differences(c, version);
        if (!tampering.isEmpty() || version == Database.SCHEMA_VERSION) {
          return tampering;
        }
        try (Statement s = c.createStatement()) {
          // WAL is a property of the file and cannot be set inside a migration's transaction.
          s.execute("PRAGMA journal_mode=WAL");
        }
        Migrations.migrate(file);
        Database.requireMigrated(name(), schemaVersion(c));
        return differences(c, Database.SCHEMA_VERSION);
      } catch (IOException e) {
        throw new AgentCliException(
            ErrorCode.DATABASE_ERROR, "cannot lock " + file + " for migration: " + e, Map.of(), e);
      }
    }
  }

  @Override
  public AgentCliException translate(SQLException e) {
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

  @Override
  public String claimableGrants() {
    return "grants g INDEXED BY grants_claimable";
  }

  @Override
  public String claimTieBreak() {
    return "g.rowid";
  }

  @Override
  public String idMatches() {
    return "IN (?1, CAST(?1 AS BLOB))";
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
}
