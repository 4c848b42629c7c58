package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.profile.Phases;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "agentcli",
    versionProvider = AgentCli.Version.class,
    description = {
      "A human approval gate in front of the shell tasks that AI agents and operators run.",
      "",
      "An approver approves one run of a task; an agent execs it, consuming that single-use,"
          + " expiring grant; everything is recorded in one SQLite database.",
      ""
    },
    footer = {
      "",
      "Exit status: 0 ok; exec: the task's own; 2 usage; 65 invalid input or manifest;"
          + " 66 not found; 70 internal; 71 the launcher failed; 75 lock timeout (retry); 77"
          + " refused by the gate; 78 operator configuration unusable; 124 timed out; 126 not"
          + " executable; 127 not found.",
      "Environment: AGENTCLI_HOME (default ~/.agentcli), AGENTCLI_ALLOWED_SIGNERS,"
          + " AGENTCLI_LOCK_TIMEOUT_MS. An operator configuration (/etc/agentcli/config.json)"
          + " pins the database, trust store and manifests; then these may not point elsewhere."
    })
public final class AgentCli implements Runnable {
  /**
   * The commands, by name. Building a command's model costs reflection over all its options, so
   * only the command being run is registered; all of them only for help and usage errors.
   */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("approve", ApproveCommand.class);
    COMMANDS.put("exec", ExecCommand.class);
    COMMANDS.put("run", RunCommand.class);
    COMMANDS.put("claim", ClaimCommand.class);
    COMMANDS.put("request", RequestCommand.class);
    COMMANDS.put("requests", RequestsCommand.class);
    COMMANDS.put("deny", DenyCommand.class);
    COMMANDS.put("review", ReviewCommand.class);
    COMMANDS.put("hook", HookCommand.class);
    COMMANDS.put("mcp", McpCommand.class);
    COMMANDS.put("approvals", ApprovalsCommand.class);
    COMMANDS.put("audit", AuditCommand.class);
    COMMANDS.put("watch", WatchCommand.class);
    COMMANDS.put("signers", SignersCommand.class);
    COMMANDS.put("validate", ValidateCommand.class);
    COMMANDS.put("demo", DemoCommand.class);
    COMMANDS.put("status", StatusCommand.class);
    COMMANDS.put("describe", DescribeCommand.class);
    COMMANDS.put("completion", CompletionCommand.class);
    COMMANDS.put("man", ManCommand.class);
    COMMANDS.put("version", VersionCommand.class);
    COMMANDS.put("help", CommandLine.HelpCommand.class);
  }

  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @picocli.CommandLine.Option(
      names = {"-v", "-V", "--version"},
      versionHelp = true,
      description = "Print the version and exit (as agentcli version does).")
  boolean version;

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
    Class<?> only = args.length > 0 && !args[0].equals("help") ? COMMANDS.get(args[0]) : null;
    CommandLine cli = only == null ? commandLine(ctx) : commandLine(ctx, args[0], only);
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
          ErrorReport.print(err, usage, wantsText(args));
          return ErrorCode.USAGE_ERROR.exitStatus();
        });
    return cli.execute(args);
  }

  /** The whole command tree, its commands built with {@code ctx}. */
  static CommandLine commandLine(Context ctx) {
    CommandLine cli = new CommandLine(new AgentCli(), new Factory(ctx));
    COMMANDS.forEach((name, type) -> cli.addSubcommand(name, type));
    return cli;
  }

  private static CommandLine commandLine(Context ctx, String name, Class<?> type) {
    return new CommandLine(new AgentCli(), new Factory(ctx)).addSubcommand(name, type);
  }

  private static boolean wantsText(String[] args) {
    int i = Arrays.asList(args).indexOf("--format");
    return (i >= 0 && i + 1 < args.length && args[i + 1].equals("text"))
        || Arrays.asList(args).contains("--format=text");
  }

  /** Builds commands, handing the context to those that take it. */
  private static final class Factory implements CommandLine.IFactory {
    private final Context ctx;

    Factory(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> withContext = type.getDeclaredConstructor(Context.class);
        return withContext.newInstance(ctx);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
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
