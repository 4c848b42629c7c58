package dev.agentcli.app;

import dev.agentcli.approval.Grant;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.FileDigests;
import dev.agentcli.request.Requester;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcApprovalStore;
import dev.agentcli.store.JdbcFileDigests;
import dev.agentcli.store.JdbcRequestStore;
import dev.agentcli.store.PostgresUrl;
import dev.agentcli.store.StoreCopy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one database connection of a process, opened on first use (commands that never need it never
 * touch it): created when a command writes, only opened when it exists for a command that reads, so
 * that a look at an empty home creates nothing.
 */
final class Stores implements AutoCloseable {
  private final Context ctx;
  private final Settings settings;
  private Database db;
  private JdbcFileDigests digests;
  private boolean toldNoDatabase;

  Stores(Context ctx, Settings settings) {
    this.ctx = ctx;
    this.settings = settings;
  }

  /** The database, created if missing. */
  Database database() {
    if (db == null) {
      Optional<PostgresUrl> server = settings.server();
      db =
          server.isPresent()
              ? Database.open(server.get(), settings.serverPassword(), settings.lockTimeout())
              : Database.open(settings.dbPath(), settings.lockTimeout());
      db.actingAs(caller());
    }
    return db;
  }

  /**
   * The database only if it exists, for a command that only reads; when it does not, the caller
   * hears so on stderr (once): a mistyped home looks like an empty store otherwise.
   */
  Optional<Database> existing() {
    Optional<Database> d = openExisting();
    if (d.isEmpty() && !toldNoDatabase) {
      toldNoDatabase = true;
      say(
          "agentcli: note: no database at "
              + settings.storeName()
              + ": nothing was recorded here yet (agentcli status shows what is used)\n");
    }
    return d;
  }

  /** The database if it is open now; never opens it. */
  Optional<Database> ifOpen() {
    return Optional.ofNullable(db);
  }

  private Optional<Database> openExisting() {
    if (db == null) {
      Optional<PostgresUrl> server = settings.server();
      db =
          (server.isPresent()
                  ? Database.openIfExists(
                      server.get(), settings.serverPassword(), settings.lockTimeout())
                  : Database.openIfExists(settings.dbPath(), settings.lockTimeout()))
              .orElse(null);
      if (db != null) {
        db.actingAs(caller());
      }
    }
    return Optional.ofNullable(db);
  }

  /**
   * What the approver of {@code g} was shown (the command with its values): the request's, for a
   * grant that answers one; else what approve kept with it. Empty when nothing was kept.
   */
  Optional<Map<String, Object>> shownFor(Grant g) {
    Optional<Database> d = openExisting();
    if (d.isEmpty()) {
      return Optional.empty();
    }
    if (g.requestId() != null) {
      return new JdbcRequestStore(d.get()).find(g.requestId()).map(r -> r.command());
    }
    return new JdbcApprovalStore(d.get()).shown(g.approvalId());
  }

  /** Digests of the files a binding covers, remembered in the database when there is one. */
  FileDigests fileDigests() {
    if (digests == null) {
      digests = openExisting().map(d -> new JdbcFileDigests(d, ctx.clock())).orElse(null);
    }
    return digests == null ? FileDigests.DIRECT : digests;
  }

  /** Keeps the digests this command read for the next run: called once its own write succeeded. */
  void rememberDigests() {
    if (digests != null) {
      digests.remember();
    }
  }

  /**
   * Copies this store into the new store {@code target} (a SQLite file or a PostgreSQL URL, its
   * password from PGPASSWORD or the driver's files).
   */
  Services.Copied copyTo(String target) {
    Database from =
        openExisting()
            .orElseThrow(
                () ->
                    new AgentCliException(
                        ErrorCode.INPUT_INVALID,
                        "there is no store at " + settings.storeName() + " to copy",
                        Map.of("database", settings.storeName())));
    try (Database to =
        PostgresUrl.isOne(target)
            ? Database.open(
                PostgresUrl.parse(target, System.getProperty("user.name")),
                settings.passwordFromEnv(),
                settings.lockTimeout())
            : Database.open(ctx.cwd().resolve(target), settings.lockTimeout())) {
      return new Services.Copied(from.name(), to.name(), StoreCopy.copy(from, to));
    }
  }

  /** Who this process acts for, in every audit event it writes: the OS user, host and pid. */
  private Map<String, Object> caller() {
    Requester me = Caller.as(null, ctx);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("os_user", me.osUser());
    m.put("host", me.host());
    m.put("pid", me.pid());
    return m;
  }

  /** Writes {@code text} to stderr; nothing when stderr is gone. */
  void say(String text) {
    try {
      ctx.stderr().write(text.getBytes(StandardCharsets.UTF_8));
      ctx.stderr().flush();
    } catch (IOException ignored) {
      // stderr is gone
    }
  }

  @Override
  public void close() {
    if (db != null) {
      db.close();
    }
  }
}
