package dev.agentcli;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Sha256;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcAuditLog;
import dev.agentcli.store.PostgresUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store a test home's agentcli uses: its SQLite file, or, when the tests run with {@code
 * -Dagentcli.test.store=postgresql} (the second failsafe run), a database of its own on the test
 * server (see PostgresServer), given to agentcli in AGENTCLI_DB and PGPASSWORD. Cli and Jvm add
 * {@link #env()} to what they start, so a suite runs unchanged on either store; what a test reads
 * or edits behind agentcli's back goes through this class.
 */
public final class TestStore {
  /** Whether this test run is the PostgreSQL one. */
  public static final boolean POSTGRES =
      "postgresql".equals(System.getProperty("agentcli.test.store"));

  private static final Map<Path, TestStore> BY_HOME = new ConcurrentHashMap<>();

  private final Path file;
  private final String url;

  private TestStore(Path file, String url) {
    this.file = file;
    this.url = url;
  }

  /** The store of {@code home}: the same one for every process of a test. */
  public static TestStore of(Path home) {
    return BY_HOME.computeIfAbsent(
        home.toAbsolutePath(),
        h ->
            new TestStore(
                h.resolve("state/agentcli.db"),
                POSTGRES ? PostgresServer.get().newDatabase() : null));
  }

  /**
   * The store of {@code home} as one that agentcli has never used: on the PostgreSQL run a database
   * without agentcli's schema ({@link #of} gives one holding it, empty), for the tests of first
   * use.
   */
  public static TestStore brandNew(Path home) {
    return POSTGRES ? use(home, PostgresServer.get().newEmptyDatabase()) : of(home);
  }

  /** Makes {@code url} (a test server's database) the store of {@code home}, on either run. */
  public static TestStore use(Path home, String url) {
    TestStore store = new TestStore(home.toAbsolutePath().resolve("state/agentcli.db"), url);
    BY_HOME.put(home.toAbsolutePath(), store);
    return store;
  }

  /**
   * The store {@code --db name} would open (a test server's URL, or a file), as another JVM sees
   * it.
   */
  public static TestStore named(String name) {
    return name.startsWith("postgresql://")
        ? new TestStore(null, name)
        : new TestStore(Path.of(name), null);
  }

  /** What agentcli's environment needs to use this store (nothing for the home's SQLite file). */
  public Map<String, String> env() {
    return url == null
        ? Map.of()
        : Map.of("AGENTCLI_DB", url, "PGPASSWORD", PostgresServer.PASSWORD);
  }

  /** {@code --db}'s value for it. */
  public String name() {
    return url == null ? file.toString() : url;
  }

  public boolean postgres() {
    return url != null;
  }

  public Connection connect() throws SQLException {
    return url == null
        ? DriverManager.getConnection("jdbc:sqlite:" + file)
        : PostgresServer.connect(url);
  }

  /**
   * Appends {@code n} ordinary events (refused claims of another task) through agentcli's own
   * appender in one transaction, as {@code n} runs would: history that pushes older events back.
   */
  public void appendHistory(int n, Instant at) {
    Duration wait = Duration.ofSeconds(30);
    Database db =
        url == null
            ? Database.open(file, wait)
            : Database.open(PostgresUrl.parse(url, "root"), PostgresServer.PASSWORD, wait);
    try {
      JdbcAuditLog log = new JdbcAuditLog(db);
      db.inTransaction(
          c -> {
            for (int i = 0; i < n; i++) {
              log.append(
                  AuditEvent.builder(EventType.GRANT_CLAIM, at)
                      .task("noise", "noise", "sha256:" + "0".repeat(64))
                      .outcome(Outcome.REFUSED, "approval_required")
                      .build());
            }
            return null;
          });
    } finally {
      db.close();
    }
  }

  /** Whether agentcli has created its schema there yet. */
  public boolean exists() throws SQLException {
    if (url == null) {
      return Files.exists(file);
    }
    return count("SELECT count(*) FROM pg_tables WHERE tablename = 'audit_events'") > 0;
  }

  public long count(String sql) throws SQLException {
    try (Connection c = connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public String text(String sql) throws SQLException {
    try (Connection c = connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * What the store holds, as a digest: the SQLite file's bytes (and its WAL's), or every row of
   * every table of the server's database.
   */
  public String digest() throws Exception {
    if (url == null) {
      Path wal = Path.of(file + "-wal");
      return Sha256.of(Files.readAllBytes(file))
          + (Files.exists(wal) ? Sha256.of(Files.readAllBytes(wal)) : "");
    }
    StringBuilder all = new StringBuilder();
    try (Connection c = connect();
        ResultSet tables =
            c.createStatement()
                .executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
      List<String> names = new ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString(1));
      }
      // One connection for every table: each new one costs a SCRAM exchange.
      for (String table : names) {
        try (ResultSet rows =
            c.createStatement()
                .executeQuery(
                    "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
                        + table
                        + " t")) {
          rows.next();
          all.append(table).append(rows.getString(1)).append('\n');
        }
      }
    }
    return Sha256.of(all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code sql} in the store's own shell, as a person with write access would: sqlite3 on the
   * file, psql on the server. Its output; the shell's failure fails the test.
   */
  public String shell(String sql) throws Exception {
    ProcessBuilder pb =
        url == null
            ? new ProcessBuilder("sqlite3", file.toString(), sql)
            : new ProcessBuilder(
                "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, url);
    pb.environment().putAll(env());
    Process p = pb.redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(pb.command().get(0) + " failed: " + sql + "\n" + out);
    }
    return out.trim();
  }

  /**
   * A connection holding agentcli's write lock until it is closed: SQLite's BEGIN IMMEDIATE, or the
   * advisory lock every write transaction takes on PostgreSQL.
   */
  public Connection holdWriteLock() throws SQLException {
    Connection c = connect();
    if (url == null) {
      c.createStatement().execute("BEGIN IMMEDIATE");
    } else {
      c.setAutoCommit(false);
      c.createStatement().execute("SELECT pg_advisory_xact_lock(" + writerLock() + ")");
    }
    return c;
  }

  /** Whether some connection holds the write lock right now. */
  public boolean writeLocked() throws SQLException {
    try (Connection probe = connect()) {
      if (url == null) {
        probe.createStatement().execute("PRAGMA busy_timeout = 0");
        try {
          probe.createStatement().execute("BEGIN IMMEDIATE");
          probe.createStatement().execute("ROLLBACK");
          return false;
        } catch (SQLException busy) {
          return true;
        }
      }
      try (ResultSet rs =
          probe
              .createStatement()
              .executeQuery("SELECT pg_try_advisory_lock(" + writerLock() + ")")) {
        rs.next();
        return !rs.getBoolean(1);
      }
    }
  }

  private static long writerLock() {
    return dev.agentcli.store.Database.WRITER_LOCK;
  }
}
