package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.store.PostgresUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.TypeConversionException;

/** Options every command takes: where the state lives, the output format, the lock timeout. */
public final class GlobalOptions implements Definition.Defined {
  static final long DEFAULT_LOCK_TIMEOUT_MS = 5000;

  /** How results are printed. */
  enum Format {
    json,
    text
  }

  Path home;
  String db;
  Format format = Format.json;
  Long lockTimeoutMs;

  @Override
  public void define(Definition d) {
    d.help();
    d.option(Path.class, "--home")
        .label("<dir>")
        .text("agentcli's home folder (default: $AGENTCLI_HOME, else ~/.agentcli).")
        .to(v -> home = v);
    d.option(String.class, "--db")
        .converter(GlobalOptions::databaseFile)
        .label("<file|url>")
        .text(
            "The SQLite database file (default: $AGENTCLI_DB, else <home>/state/agentcli.db), or"
                + " a shared PostgreSQL store: postgresql://[user@]host[:port]/database[?sslmode=M]"
                + " (TLS verify-full off this machine unless M says otherwise; the password from"
                + " PGPASSWORD or ~/.pgpass, never here).")
        .to(v -> db = v);
    d.option(Format.class, "--format")
        .label("<format>")
        .defaultValue("json")
        .text("Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        .to(v -> format = v);
    d.option(Long.class, "--lock-timeout-ms")
        .label("<ms>")
        .text(
            "How long to wait for the database write lock before approval_lock_timeout"
                + " (default: $AGENTCLI_LOCK_TIMEOUT_MS, else 5000).")
        .to(v -> lockTimeoutMs = v);
  }

  boolean text() {
    return format == Format.text;
  }

  Path home(Context ctx) {
    if (home != null) {
      return ctx.cwd().resolve(home);
    }
    String fromEnv = ctx.env().get("AGENTCLI_HOME");
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return ctx.cwd().resolve(fromEnv);
    }
    String userHome = ctx.env().getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(userHome).resolve(".agentcli");
  }

  /**
   * A database file path or a PostgreSQL URL. Taken for a path, any other URL would be a SQLite
   * file under a folder named after its scheme: it is refused while the command line is read.
   */
  static String databaseFile(String value) {
    if (PostgresUrl.isOne(value)) {
      try {
        PostgresUrl.parse(value, "user");
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      return value;
    }
    if (value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*|(?i)(file|jdbc|sqlite):.*")) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is a database URL agentcli does not know: give a SQLite database file path or"
              + " postgresql://[user@]host[:port]/database");
    }
    return value;
  }

  /**
   * The SQLite file: --db's, else the home's (also where it would be beside a PostgreSQL store).
   */
  Path dbPath(Context ctx) {
    String named = db(ctx);
    return named != null && !PostgresUrl.isOne(named)
        ? ctx.cwd().resolve(named)
        : home(ctx).resolve("state").resolve("agentcli.db");
  }

  /** The PostgreSQL store --db names, if it names one; its role defaults to the OS user. */
  Optional<PostgresUrl> server(Context ctx) {
    String named = db(ctx);
    return named != null && PostgresUrl.isOne(named)
        ? Optional.of(PostgresUrl.parse(named, System.getProperty("user.name")))
        : Optional.empty();
  }

  /** --db's value, else $AGENTCLI_DB's (checked as --db's is), else none. */
  String db(Context ctx) {
    if (db != null) {
      return db;
    }
    String fromEnv = ctx.env().get("AGENTCLI_DB");
    if (fromEnv == null || fromEnv.isEmpty()) {
      return null;
    }
    try {
      return databaseFile(fromEnv);
    } catch (TypeConversionException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "AGENTCLI_DB: " + e.getMessage(),
          Map.of("value", PostgresUrl.isOne(fromEnv) ? "<a postgresql URL>" : fromEnv));
    }
  }

  /** The trust store: $AGENTCLI_ALLOWED_SIGNERS, else {@code <home>/allowed_signers}. */
  Path allowedSigners(Context ctx) {
    String fromEnv = ctx.env().get("AGENTCLI_ALLOWED_SIGNERS");
    return fromEnv != null && !fromEnv.isEmpty()
        ? ctx.cwd().resolve(fromEnv)
        : home(ctx).resolve("allowed_signers");
  }

  Duration lockTimeout(Context ctx) {
    long ms;
    if (lockTimeoutMs != null) {
      ms = lockTimeoutMs;
    } else {
      String fromEnv = ctx.env().get("AGENTCLI_LOCK_TIMEOUT_MS");
      try {
        ms =
            fromEnv == null || fromEnv.isEmpty()
                ? DEFAULT_LOCK_TIMEOUT_MS
                : Long.parseLong(fromEnv);
      } catch (NumberFormatException e) {
        throw badTimeout("AGENTCLI_LOCK_TIMEOUT_MS", fromEnv);
      }
    }
    if (ms < 0 || ms > Integer.MAX_VALUE) {
      if (lockTimeoutMs != null) {
        throw BadOption.of(
            "--lock-timeout-ms",
            ms,
            "it must be a whole number of ms from 0 to " + Integer.MAX_VALUE);
      }
      throw badTimeout("AGENTCLI_LOCK_TIMEOUT_MS", String.valueOf(ms));
    }
    return Duration.ofMillis(ms);
  }

  private static AgentCliException badTimeout(String where, String value) {
    return new AgentCliException(
        ErrorCode.INPUT_INVALID,
        where
            + " must be a whole number of milliseconds from 0 to "
            + Integer.MAX_VALUE
            + ", not '"
            + value
            + "'",
        Map.of("value", String.valueOf(value)));
  }

  /** The global options that take a value. */
  private static final java.util.Set<String> WITH_VALUE =
      java.util.Set.of("--home", "--db", "--format", "--lock-timeout-ms");

  /**
   * {@code args} with the global options written before the command moved after it (before a {@code
   * --}), where every command reads them: {@code agentcli --format text approvals list} works as
   * git's {@code git -C dir log} does.
   */
  static String[] afterTheCommand(String[] args) {
    java.util.List<String> globals = new java.util.ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String a = args[i];
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (!WITH_VALUE.contains(name)) {
        break;
      }
      globals.add(a);
      if (!a.contains("=") && i + 1 < args.length) {
        globals.add(args[++i]);
      }
      i++;
    }
    if (globals.isEmpty() || i == args.length) {
      return args;
    }
    java.util.List<String> rest =
        new java.util.ArrayList<>(java.util.List.of(args).subList(i, args.length));
    int end = rest.indexOf("--");
    rest.addAll(end < 0 ? rest.size() : end, globals);
    return rest.toArray(String[]::new);
  }
}
