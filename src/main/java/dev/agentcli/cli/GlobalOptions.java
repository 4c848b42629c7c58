package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Settings;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.TypeConversionException;

/** Options every command takes: where the state lives, the output format, the lock timeout. */
public final class GlobalOptions implements Definition.Defined {
  /** How results are printed. */
  enum Format {
    json,
    text
  }

  Path home;
  String db;

  /** --format's value; null until {@link #resolveFormat} when not given. */
  Format format;

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
        .text(
            "Output format: ${COMPLETION-CANDIDATES} (default: $AGENTCLI_FORMAT, else text when"
                + " stdout is a terminal and json when it is a pipe or a file).")
        .to(v -> format = v);
    d.option(Long.class, "--lock-timeout-ms")
        .converter(GlobalOptions::lockTimeoutMs)
        .label("<ms>")
        .text(
            "How long to wait for the database write lock before approval_lock_timeout"
                + " (default: $AGENTCLI_LOCK_TIMEOUT_MS, else 5000).")
        .to(v -> lockTimeoutMs = v);
  }

  boolean text() {
    return format == Format.text;
  }

  /**
   * Decides the format when --format was not given, as gh does: $AGENTCLI_FORMAT, else text for a
   * person at a terminal and JSON for a program reading a pipe.
   *
   * @throws AgentCliException {@code input_invalid} for an AGENTCLI_FORMAT that is neither (the
   *     error is then reported as JSON)
   */
  void resolveFormat(Context ctx) {
    if (format != null) {
      return;
    }
    format = formatWithout(ctx);
    String fromEnv = ctx.env().get("AGENTCLI_FORMAT");
    if (fromEnv != null && !fromEnv.isEmpty() && !fromEnv.equals(format.name())) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "AGENTCLI_FORMAT must be json or text, not '" + fromEnv + "'",
          Map.of("value", fromEnv));
    }
  }

  /**
   * The format without --format: $AGENTCLI_FORMAT's when valid, else by stdout (json if invalid).
   */
  static Format formatWithout(Context ctx) {
    String fromEnv = ctx.env().get("AGENTCLI_FORMAT");
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv.equals("text") ? Format.text : Format.json;
    }
    return ctx.isTerminal(1) ? Format.text : Format.json;
  }

  /** What the options say about where the state lives; resolved by {@link Settings}. */
  Settings.Flags flags() {
    return new Settings.Flags(home, db, lockTimeoutMs);
  }

  /** --db's value: a database file path or a PostgreSQL URL, else a usage error. */
  static String databaseFile(String value) {
    try {
      return Settings.databaseName(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** --lock-timeout-ms's value: whole milliseconds from 0 to Integer.MAX_VALUE. */
  static Long lockTimeoutMs(String value) {
    try {
      long ms = Long.parseLong(value);
      if (ms >= 0 && ms <= Integer.MAX_VALUE) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new TypeConversionException(
        "it must be a whole number of ms from 0 to " + Integer.MAX_VALUE + ", not '" + value + "'");
  }

  /** The global options that take a value. */
  private static final Set<String> WITH_VALUE =
      Set.of("--home", "--db", "--format", "--lock-timeout-ms");

  /**
   * {@code args} with the global options written before the command moved after it (before a {@code
   * --}), where every command reads them: {@code agentcli --format text approvals list} works as
   * git's {@code git -C dir log} does.
   */
  static String[] afterTheCommand(String[] args) {
    List<String> globals = new ArrayList<>();
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
    List<String> rest = new ArrayList<>(List.of(args).subList(i, args.length));
    int end = rest.indexOf("--");
    rest.addAll(end < 0 ? rest.size() : end, globals);
    return rest.toArray(String[]::new);
  }
}
