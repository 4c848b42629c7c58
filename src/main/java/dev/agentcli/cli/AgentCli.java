package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.profile.Phases;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

public final class AgentCli implements Runnable, Definition.Defined {
  /** The commands, by name, in the order help lists them. */
  private static final Map<String, Function<Context, Definition.Defined>> COMMANDS =
      new LinkedHashMap<>();

  static {
    COMMANDS.put("approve", ApproveCommand::new);
    COMMANDS.put("exec", ExecCommand::new);
    COMMANDS.put("run", RunCommand::new);
    COMMANDS.put("claim", ClaimCommand::new);
    COMMANDS.put("request", RequestCommand::new);
    COMMANDS.put("requests", RequestsCommand::new);
    COMMANDS.put("deny", DenyCommand::new);
    COMMANDS.put("review", ReviewCommand::new);
    COMMANDS.put("hook", HookCommand::new);
    COMMANDS.put("mcp", McpCommand::new);
    COMMANDS.put("serve", ServeCommand::new);
    COMMANDS.put("approvals", ApprovalsCommand::new);
    COMMANDS.put("audit", AuditCommand::new);
    COMMANDS.put("watch", WatchCommand::new);
    COMMANDS.put("signers", SignersCommand::new);
    COMMANDS.put("validate", ValidateCommand::new);
    COMMANDS.put("demo", DemoCommand::new);
    COMMANDS.put("status", StatusCommand::new);
    COMMANDS.put("store", StoreCommand::new);
    COMMANDS.put("describe", DescribeCommand::new);
    COMMANDS.put("completion", CompletionCommand::new);
    COMMANDS.put("man", ManCommand::new);
    COMMANDS.put("version", VersionCommand::new);
    COMMANDS.put("help", ctx -> new HelpCommand());
  }

  /** The root's version flags: the version needs no command's model. */
  private static final List<String> VERSION_FLAGS = List.of("-v", "-V", "--version");

  private CommandSpec spec;

  @Override
  public void define(Definition d) {
    spec = d.spec();
    d.text(
        "A human approval gate in front of the shell tasks that AI agents and operators run.",
        "",
        "An approver approves one run of a task; an agent execs it, consuming that single-use,"
            + " expiring grant; everything is recorded in one SQLite database.",
        "");
    d.footer(
        "",
        "Exit status: 0 ok; exec: the task's own; 2 usage; 65 invalid input or manifest;"
            + " 66 not found; 70 internal; 71 the launcher failed; 75 lock timeout or store"
            + " unavailable (retry); 77 refused by the gate; 78 operator configuration unusable; 124 timed out; 126 not"
            + " executable; 127 not found.",
        "Environment: AGENTCLI_HOME (default ~/.agentcli), AGENTCLI_DB,"
            + " AGENTCLI_ALLOWED_SIGNERS, AGENTCLI_LOCK_TIMEOUT_MS; PGPASSWORD, PGPASSFILE. An operator configuration (/etc/agentcli/config.json)"
            + " pins the database, trust store and manifests; then these may not point elsewhere.");
    d.help();
    d.version(new Version(), VERSION_FLAGS.toArray(String[]::new));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: " + String.join(", ", COMMANDS.keySet()));
  }

  /** Runs agentcli with {@code args} in {@code ctx} and returns the exit status. */
  public static int execute(Context ctx, PrintWriter out, PrintWriter err, String... given) {
    String[] args = GlobalOptions.afterTheCommand(given);
    if (args.length == 0) {
      // As git does: the commands, on stderr, and the status of a usage error.
      commandLine(ctx).usage(err);
      err.flush();
      return ErrorCode.USAGE_ERROR.exitStatus();
    }
    // Only the command being run is built (the others' models would cost time); the version needs
    // none; help and usage errors need them all.
    Function<Context, Definition.Defined> only =
        args[0].equals("help") ? null : COMMANDS.get(args[0]);
    CommandLine cli =
        only != null
            ? commandLine(ctx, Map.of(args[0], only))
            : commandLine(ctx, VERSION_FLAGS.contains(args[0]) ? Map.of() : COMMANDS);
    Phases.mark("command_model");
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, ignored) -> {
          List<String> suggestions =
              ex instanceof CommandLine.UnmatchedArgumentException u
                  ? u.getSuggestions()
                  : List.of();
          String message =
              suggestions.isEmpty()
                  ? ex.getMessage()
                  : ex.getMessage() + "; did you mean " + String.join(" or ", suggestions) + "?";
          Map<String, Object> details = new LinkedHashMap<>();
          details.put(
              "hint", "see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help");
          if (!suggestions.isEmpty()) {
            details.put("did_you_mean", suggestions);
          }
          AgentCliException usage = new AgentCliException(ErrorCode.USAGE_ERROR, message, details);
          ErrorReport.print(err, usage, wantsText(args, ctx));
          return ErrorCode.USAGE_ERROR.exitStatus();
        });
    return cli.execute(args);
  }

  /** The whole command tree, its commands built with {@code ctx}. */
  static CommandLine commandLine(Context ctx) {
    return commandLine(ctx, COMMANDS);
  }

  /** The root with {@code commands} under it, built with {@code ctx}. */
  private static CommandLine commandLine(
      Context ctx, Map<String, Function<Context, Definition.Defined>> commands) {
    CommandSpec root = Definition.of("agentcli", new AgentCli());
    commands.forEach(
        (name, command) -> root.addSubcommand(name, Definition.of(name, command.apply(ctx))));
    // No argument is ever read from a file: through a sudo rule, picocli's @FILE expansion would
    // let the caller read any file the service user can (and errors would echo it).
    return new CommandLine(root).setExpandAtFiles(false);
  }

  /** Whether a usage error is for a person: --format text, else as {@link GlobalOptions}. */
  private static boolean wantsText(String[] args, Context ctx) {
    List<String> a = Arrays.asList(args);
    int i = a.indexOf("--format");
    if (i >= 0 && i + 1 < args.length) {
      return args[i + 1].equals("text");
    }
    if (a.contains("--format=text") || a.contains("--format=json")) {
      return a.contains("--format=text");
    }
    return GlobalOptions.formatWithout(ctx) == GlobalOptions.Format.text;
  }

  /** The version from the jar's manifest (the pom's), or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgentCli.class.getPackage().getImplementationVersion();
      return new String[] {"agentcli " + (v == null ? "dev" : v)};
    }
  }
}
