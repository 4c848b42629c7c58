package dev.agentcli.config;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.notify.Target;
import dev.agentcli.rules.Rules;
import dev.agentcli.store.PostgresUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The operator's configuration (by default {@code /etc/agentcli/config.json}): when it exists, it
 * pins the database, the trust store and the manifests folder, and says whether unsigned grants are
 * ever usable. No flag or environment variable of the caller can point agentcli elsewhere or weaken
 * it. A file that others could have written, or that cannot be read exactly, stops every command
 * ({@code config_invalid}): fail closed.
 *
 * @param allowUnsigned whether a grant unsigned by choice may be used at all (still only where the
 *     task says {@code "signature": "optional"}); default false
 * @param taskEnv what every task's child inherits besides its manifest {@code env}, instead of the
 *     caller's variables: the same for the person approving and the agent running, and out of the
 *     agent's reach; default {@link #DEFAULT_TASK_ENV}
 * @param database the SQLite database file; null when the store is a PostgreSQL server
 * @param databaseServer the PostgreSQL store ({@code database} given as a postgresql:// URL), or
 *     null
 * @param databasePasswordFile a file holding the PostgreSQL password (only its owner may read it),
 *     or null: then PGPASSWORD, PGPASSFILE or ~/.pgpass
 * @param auditAnchors the anchors file (default: beside the database; required with a server)
 * @param selfApprovalExceptions principals that may approve requests they made themselves (a
 *     release bot that both asks and co-signs, say); default none
 * @param notifications where notifications of requests and decisions go (webhooks, commands);
 *     default none
 * @param rules the rules for commands no manifest declares ({@code agentcli run}, the agent hooks);
 *     default {@link Rules#NONE}: every such command needs a person
 * @param taskUser the OS user tasks run as (through {@code sudo -n -u}), never the one that owns
 *     the state; null: tasks run as the user agentcli runs as
 * @param userVerifiedRisks the risk levels whose grants a passkey must sign with its user verified
 *     (a PIN, a biometric), key {@code passkey_user_verification}; default {@link
 *     #DEFAULT_USER_VERIFIED_RISKS}
 */
public record OperatorConfig(
    Path file,
    Path database,
    PostgresUrl databaseServer,
    Path databasePasswordFile,
    Path allowedSigners,
    Path manifests,
    boolean allowUnsigned,
    Map<String, String> taskEnv,
    Path auditAnchors,
    Set<String> selfApprovalExceptions,
    Rules rules,
    List<Target> notifications,
    String taskUser,
    Set<String> userVerifiedRisks) {

  /** The risk levels whose grants a passkey signs with its user verified, unless configured. */
  public static final Set<String> DEFAULT_USER_VERIFIED_RISKS = Set.of("high", "critical");

  public static final Map<String, String> DEFAULT_TASK_ENV =
      Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8");

  private static final Set<String> KEYS =
      Set.of(
          "database",
          "database_password_file",
          "allowed_signers",
          "manifests",
          "allow_unsigned",
          "task_env",
          "audit_anchors",
          "self_approval_exceptions",
          "rules",
          "notify",
          "task_user",
          "passkey_user_verification");

  /** A user name that cannot be read as an option or a path: never root. */
  private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

  public OperatorConfig {
    taskEnv = Map.copyOf(taskEnv);
    selfApprovalExceptions = Set.copyOf(selfApprovalExceptions);
    notifications = List.copyOf(notifications);
    userVerifiedRisks = Set.copyOf(userVerifiedRisks);
  }

  /** The configuration at {@code file}, or empty when there is no file there. */
  public static Optional<OperatorConfig> load(Path file) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      throw invalid(file, "it cannot be resolved: " + e.getMessage());
    }
    if (!Files.isRegularFile(real)) {
      throw invalid(file, "it is not a regular file");
    }
    Object parsed;
    try {
      parsed = Json.parse(Files.readAllBytes(real));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw invalid(file, "it is not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw invalid(file, "it must be a JSON object");
    }
    for (Object key : m.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw invalid(file, "unknown key \"" + key + "\" (known: " + String.join(", ", KEYS) + ")");
      }
    }
    Object unsigned = m.get("allow_unsigned");
    if (unsigned != null && !(unsigned instanceof Boolean)) {
      throw invalid(file, "allow_unsigned must be true or false");
    }
    PostgresUrl server = server(file, m.get("database"));
    Path database = server == null ? absolute(file, m, "database") : null;
    if (server == null && m.containsKey("database_password_file")) {
      throw invalid(file, "database_password_file is for a postgresql:// database only");
    }
    if (server != null && !m.containsKey("audit_anchors")) {
      throw invalid(
          file,
          "audit_anchors is required with a PostgreSQL database: an absolute path on this host");
    }
    OperatorConfig config =
        new OperatorConfig(
            file,
            database,
            server,
            m.containsKey("database_password_file")
                ? secret(file, absolute(file, m, "database_password_file"))
                : null,
            absolute(file, m, "allowed_signers"),
            absolute(file, m, "manifests"),
            Boolean.TRUE.equals(unsigned),
            taskEnv(file, m.get("task_env")),
            m.containsKey("audit_anchors")
                ? absolute(file, m, "audit_anchors")
                : anchorsBeside(database),
            principals(file, m.get("self_approval_exceptions")),
            rules(file, m.get("rules")),
            notify(file, m.get("notify")),
            m.containsKey("task_user") ? taskUser(file, m.get("task_user")) : null,
            m.containsKey("passkey_user_verification")
                ? risks(file, m.get("passkey_user_verification"))
                : DEFAULT_USER_VERIFIED_RISKS);
    StrictModes.check(config);
    return Optional.of(config);
  }

  /**
   * The audit event of a caller's attempt to point agentcli elsewhere than this configuration: the
   * {@code config_override_refused} refusal, with the override and its value.
   */
  public static AuditEvent overrideRefused(Instant at, String command, AgentCliException refusal) {
    return AuditEvent.builder(EventType.OVERRIDE_REFUSED, at.truncatedTo(ChronoUnit.MILLIS))
        .outcome(Outcome.REFUSED, refusal.code().id())
        .detail("command", command)
        .detail("override", refusal.details().get("override"))
        .detail("value", refusal.details().get("value"))
        .detail("message", refusal.getMessage())
        .build();
  }

  /** Where anchors are kept when nobody says: beside the database. */
  public static Path anchorsBeside(Path database) {
    return database.resolveSibling("audit-anchors.ndjson");
  }

  private static List<Target> notify(Path file, Object node) {
    try {
      return Target.parse(node, file.toString(), EventType.NOTIFIABLE);
    } catch (AgentCliException e) {
      throw invalid(file, e.getMessage());
    }
  }

  private static Rules rules(Path file, Object node) {
    if (node == null) {
      return Rules.NONE;
    }
    try {
      return Rules.of(node, file + " (rules)");
    } catch (AgentCliException e) {
      throw invalid(file, e.getMessage());
    }
  }

  private static Set<String> principals(Path file, Object node) {
    if (node == null) {
      return Set.of();
    }
    if (!(node instanceof List<?> list)
        || !list.stream().allMatch(p -> p instanceof String s && !s.isBlank())) {
      throw invalid(file, "self_approval_exceptions must be an array of principals");
    }
    return Set.copyOf(list.stream().map(String::valueOf).toList());
  }

  private static Set<String> risks(Path file, Object node) {
    if (!(node instanceof List<?> list)
        || !list.stream().allMatch(r -> r instanceof String s && !s.isBlank())) {
      throw invalid(
          file, "passkey_user_verification must be an array of risk levels, e.g. [\"high\"]");
    }
    return Set.copyOf(list.stream().map(String::valueOf).toList());
  }

  private static String taskUser(Path file, Object node) {
    if (!(node instanceof String name)
        || !USER_NAME.matcher(name).matches()
        || name.equals("root")) {
      throw invalid(
          file,
          "task_user must name an OS user other than root (lower case letters, digits, _ . -)");
    }
    return name;
  }

  private static Map<String, String> taskEnv(Path file, Object node) {
    if (node == null) {
      return DEFAULT_TASK_ENV;
    }
    if (!(node instanceof Map<?, ?> vars)) {
      throw invalid(file, "task_env must be an object of strings");
    }
    Map<String, String> env = new TreeMap<>();
    for (Map.Entry<?, ?> e : vars.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")
          || !(e.getValue() instanceof String value)
          || value.indexOf('\0') >= 0) {
        throw invalid(file, "task_env." + name + " must be a variable name with a string value");
      }
      env.put(name, value);
    }
    return env;
  }

  /** The PostgreSQL store {@code database} names, or null when it names a file. */
  private static PostgresUrl server(Path file, Object database) {
    if (!(database instanceof String text) || !PostgresUrl.isOne(text)) {
      return null;
    }
    try {
      return PostgresUrl.parse(text, System.getProperty("user.name"));
    } catch (IllegalArgumentException e) {
      throw invalid(file, "database: " + e.getMessage());
    }
  }

  /** A password file only its owner can read (as libpq asks of ~/.pgpass). */
  private static Path secret(Path file, Path passwordFile) {
    try {
      int mode = (Integer) Files.getAttribute(passwordFile, "unix:mode");
      if ((mode & 0077) != 0) {
        throw invalid(
            file,
            "database_password_file "
                + passwordFile
                + " may be read or written by others: chmod 600 it");
      }
    } catch (IOException e) {
      throw invalid(file, "database_password_file " + passwordFile + " cannot be read: " + e);
    }
    return passwordFile;
  }

  private static Path absolute(Path file, Map<?, ?> m, String key) {
    if (!(m.get(key) instanceof String text) || text.isEmpty() || !text.startsWith("/")) {
      throw invalid(file, key + " is required: an absolute path");
    }
    return Path.of(text);
  }

  private static AgentCliException invalid(Path file, String why) {
    return new AgentCliException(
        ErrorCode.CONFIG_INVALID,
        "the operator configuration " + file + " is not usable, so nothing runs: " + why,
        Map.of("config", file.toString()));
  }
}
