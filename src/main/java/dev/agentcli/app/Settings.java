package dev.agentcli.app;

import dev.agentcli.codec.Json;
import dev.agentcli.config.OperatorConfig;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.manifest.TaskEnvironment;
import dev.agentcli.store.PostgresUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where this process's state lives and what it runs under, in one place and one order: the
 * operator's configuration when it exists (and then nothing of the caller's may point elsewhere),
 * else the flags, else the environment ({@code AGENTCLI_*}), else the defaults under {@code
 * ~/.agentcli}. The configuration is read on first use, so that a command that needs none of it
 * ({@code version}, {@code --help}) works whatever the file says.
 */
public final class Settings {
  /** The default wait for the database write lock. */
  public static final long DEFAULT_LOCK_TIMEOUT_MS = 5000;

  /**
   * What the caller's global options say (each null when not given).
   *
   * @param db a SQLite file path or a postgresql:// URL, already checked to be one of the two
   * @param lockTimeoutMs already checked to be in range
   */
  public record Flags(Path home, String db, Long lockTimeoutMs) {
    public static final Flags NONE = new Flags(null, null, null);
  }

  private final Context ctx;
  private final Flags flags;
  private Optional<OperatorConfig> operator;

  public Settings(Context ctx, Flags flags) {
    this.ctx = ctx;
    this.flags = flags;
  }

  /** The operator configuration, read once; {@code config_invalid} when it is not usable. */
  public Optional<OperatorConfig> operator() {
    if (operator == null) {
      operator = OperatorConfig.load(ctx.operatorConfig());
    }
    return operator;
  }

  /**
   * Refuses, when the operator configuration exists, every way the caller could point agentcli at
   * other files: {@code --home}, {@code --db}, {@code AGENTCLI_HOME}, {@code AGENTCLI_DB}, {@code
   * AGENTCLI_ALLOWED_SIGNERS}. (A manifest path is refused by the manifest loader.)
   */
  public void refuseOverrides() {
    if (operator().isEmpty()) {
      return;
    }
    Map<String, Object> given = new LinkedHashMap<>();
    if (flags.home() != null) {
      given.put("--home", flags.home().toString());
    }
    if (flags.db() != null) {
      given.put("--db", flags.db());
    }
    for (String var : List.of("AGENTCLI_HOME", "AGENTCLI_DB", "AGENTCLI_ALLOWED_SIGNERS")) {
      String value = env(var);
      if (value != null) {
        given.put(var, value);
      }
    }
    if (!given.isEmpty()) {
      String what = given.keySet().iterator().next();
      throw new AgentCliException(
          ErrorCode.CONFIG_OVERRIDE_REFUSED,
          "the operator configuration "
              + operator.get().file()
              + " pins the database, the trust store and the manifests; "
              + String.join(", ", given.keySet())
              + " may not point elsewhere",
          Map.of("override", what, "value", String.valueOf(given.get(what))));
    }
  }

  /** The home folder: --home, else $AGENTCLI_HOME, else ~/.agentcli (single-user mode's files). */
  public Path home() {
    if (flags.home() != null) {
      return ctx.cwd().resolve(flags.home());
    }
    String fromEnv = env("AGENTCLI_HOME");
    if (fromEnv != null) {
      return ctx.cwd().resolve(fromEnv);
    }
    String userHome = ctx.env().getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(userHome).resolve(".agentcli");
  }

  /**
   * The SQLite file: the operator's, else --db's or $AGENTCLI_DB's, else the home's (with a
   * PostgreSQL store, where it would be: the anchors go beside it).
   */
  public Path dbPath() {
    if (operator().isPresent()) {
      return operator.get().database();
    }
    String named = db();
    return named != null && !PostgresUrl.isOne(named)
        ? ctx.cwd().resolve(named)
        : home().resolve("state").resolve("agentcli.db");
  }

  /**
   * The shared PostgreSQL store, when one is used: the operator's, else --db's or $AGENTCLI_DB's.
   */
  public Optional<PostgresUrl> server() {
    if (operator().isPresent()) {
      return Optional.ofNullable(operator.get().databaseServer());
    }
    String named = db();
    return named != null && PostgresUrl.isOne(named)
        ? Optional.of(PostgresUrl.parse(named, System.getProperty("user.name")))
        : Optional.empty();
  }

  /** The store as messages name it: the SQLite file or the PostgreSQL URL. */
  public String storeName() {
    return server().map(PostgresUrl::toString).orElseGet(() -> dbPath().toString());
  }

  /** The trust store: the operator's, else $AGENTCLI_ALLOWED_SIGNERS, else the home's. */
  public Path allowedSigners() {
    if (operator().isPresent()) {
      return operator.get().allowedSigners();
    }
    String fromEnv = env("AGENTCLI_ALLOWED_SIGNERS");
    return fromEnv != null ? ctx.cwd().resolve(fromEnv) : home().resolve("allowed_signers");
  }

  /** The manifests folder: the operator's, else {@code <home>/manifests}. */
  public Path manifests() {
    return operator().map(OperatorConfig::manifests).orElseGet(() -> home().resolve("manifests"));
  }

  /**
   * The anchors file: the operator's; else beside the SQLite file, or for a server a file of its
   * own named after host, port and database (never the home's SQLite file's, whose chain is
   * another).
   */
  public Path anchors() {
    if (operator().isPresent()) {
      return operator.get().auditAnchors();
    }
    return server()
        .map(
            s -> {
              String name = s.host() + "-" + s.port() + "-" + s.database();
              return dbPath()
                  .resolveSibling(
                      "audit-anchors." + name.replaceAll("[^A-Za-z0-9._-]", "_") + ".ndjson");
            })
        .orElseGet(() -> OperatorConfig.anchorsBeside(dbPath()));
  }

  /** Where the command rules are read from in single-user mode (the operator's are inline). */
  public Path rulesFile() {
    return home().resolve("rules.json");
  }

  /** The file in the home where a running {@code agentcli serve} records itself. */
  public static final String SERVE_RECORD = "serve.json";

  /**
   * The web inbox people decide in, for notifications to link to: the one the home's running {@code
   * serve} recorded; empty without one.
   */
  public Optional<String> inbox() {
    try {
      Object inbox = Json.parseObject(Files.readString(home().resolve(SERVE_RECORD))).get("inbox");
      return inbox instanceof String s && s.startsWith("http") ? Optional.of(s) : Optional.empty();
    } catch (IOException | RuntimeException none) {
      return Optional.empty();
    }
  }

  /** Where notification targets are read from in single-user mode (the operator's are inline). */
  public Path notifyFile() {
    return home().resolve("notify.json");
  }

  /**
   * What a manifest task's child inherits besides its {@code env}, the same whoever runs it: the
   * operator's {@code task_env}, else the home's (see {@link TaskEnv}), with the manifest's own
   * {@code task_env} over it. Under an operator configuration a manifest may set variables but not
   * take any from the caller: what the task inherits is the operator's choice, not the agent's.
   */
  public Map<String, String> taskEnv(TaskEnvironment manifest) {
    Optional<OperatorConfig> operator = operator();
    if (operator.isPresent() && !manifest.inherit().isEmpty()) {
      throw new AgentCliException(
          ErrorCode.MANIFEST_INVALID,
          "the manifest's task_env inherits "
              + String.join(", ", manifest.inherit())
              + " from the caller, which an operator configuration does not allow: the"
              + " operator's task_env decides what tasks inherit",
          Map.of("inherit", manifest.inherit()));
    }
    Map<String, String> base =
        operator.map(OperatorConfig::taskEnv).orElseGet(() -> TaskEnv.of(taskEnvFile(), ctx));
    return manifest.over(base, ctx.env());
  }

  /** The home's fixed task environment (single-user mode). */
  public Path taskEnvFile() {
    return home().resolve("task_env.json");
  }

  /**
   * What an ad-hoc command's child inherits ({@code run}, the Claude Code hook's rewrite): the
   * operator's fixed set; else the allowlisted variables of the caller's environment, the Bash
   * tool's own, which the hook and the rewritten run both see.
   */
  public Map<String, String> inheritedEnv() {
    return operator()
        .map(OperatorConfig::taskEnv)
        .orElseGet(() -> TaskBinding.inherited(ctx.env()));
  }

  /** Whether unsigned grants may ever be used: the operator's say, else the manifest's alone. */
  public boolean unsignedPermitted() {
    return operator().map(OperatorConfig::allowUnsigned).orElse(true);
  }

  /** Principals that may approve what they asked: the operator's list, else none. */
  public Set<String> selfApprovalExceptions() {
    return operator().map(OperatorConfig::selfApprovalExceptions).orElse(Set.of());
  }

  /** How long to wait for the write lock: --lock-timeout-ms, else $AGENTCLI_LOCK_TIMEOUT_MS. */
  public Duration lockTimeout() {
    if (flags.lockTimeoutMs() != null) {
      return Duration.ofMillis(flags.lockTimeoutMs());
    }
    String fromEnv = env("AGENTCLI_LOCK_TIMEOUT_MS");
    if (fromEnv == null) {
      return Duration.ofMillis(DEFAULT_LOCK_TIMEOUT_MS);
    }
    try {
      long ms = Long.parseLong(fromEnv);
      if (ms >= 0 && ms <= Integer.MAX_VALUE) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new AgentCliException(
        ErrorCode.INPUT_INVALID,
        "AGENTCLI_LOCK_TIMEOUT_MS must be a whole number of milliseconds from 0 to "
            + Integer.MAX_VALUE
            + ", not '"
            + fromEnv
            + "'",
        Map.of("value", fromEnv));
  }

  /**
   * The PostgreSQL password: the operator's password file, else PGPASSWORD; null lets the driver
   * read PGPASSFILE or ~/.pgpass. Never a command-line argument.
   */
  public String serverPassword() {
    Path file = operator().map(OperatorConfig::databasePasswordFile).orElse(null);
    if (file == null) {
      return passwordFromEnv();
    }
    try {
      return Files.readString(file).lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.CONFIG_INVALID,
          "the database password file " + file + " cannot be read: " + e.getMessage(),
          Map.of("path", file.toString()),
          e);
    }
  }

  /** PGPASSWORD, or null to let the driver read PGPASSFILE or ~/.pgpass. */
  public String passwordFromEnv() {
    return env("PGPASSWORD");
  }

  /** --db's value, else $AGENTCLI_DB's (checked as --db's is), else none. */
  private String db() {
    if (flags.db() != null) {
      return flags.db();
    }
    String fromEnv = env("AGENTCLI_DB");
    if (fromEnv == null) {
      return null;
    }
    try {
      return databaseName(fromEnv);
    } catch (IllegalArgumentException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "AGENTCLI_DB: " + e.getMessage(),
          Map.of("value", PostgresUrl.isOne(fromEnv) ? "<a postgresql URL>" : fromEnv));
    }
  }

  /**
   * A database file path or a PostgreSQL URL, as given. Taken for a path, any other URL would be a
   * SQLite file under a folder named after its scheme: it is refused.
   *
   * @throws IllegalArgumentException saying why it is neither
   */
  public static String databaseName(String value) {
    if (PostgresUrl.isOne(value)) {
      PostgresUrl.parse(value, "user");
      return value;
    }
    if (value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*|(?i)(file|jdbc|sqlite):.*")) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is a database URL agentcli does not know: give a SQLite database file path or"
              + " postgresql://[user@]host[:port]/database");
    }
    return value;
  }

  /** A variable of the environment; null when unset or empty. */
  private String env(String name) {
    String value = ctx.env().get(name);
    return value == null || value.isEmpty() ? null : value;
  }
}
