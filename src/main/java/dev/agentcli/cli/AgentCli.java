package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "agentcli",
    mixinStandardHelpOptions = true,
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
          + " 66 not found; 69 unavailable; 70 internal; 75 lock timeout (retry); 77 refused by"
          + " the gate; 124 timed out; 126 not executable; 127 not found.",
      "Environment: AGENTCLI_HOME (default ~/.agentcli), AGENTCLI_LOCK_TIMEOUT_MS."
    },
    subcommands = {
      ApproveCommand.class,
      ExecCommand.class,
      ClaimCommand.class,
      ApprovalsCommand.class,
      AuditCommand.class,
      SignersCommand.class,
      ValidateCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AgentCli implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: " + String.join(", ", spec.subcommands().keySet()));
  }

  /** Runs agentcli with {@code args} in {@code ctx} and returns the exit status. */
  public static int execute(Context ctx, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(ctx);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, ignored) -> {
          AgentCliException usage =
              new AgentCliException(
                  ErrorCode.USAGE_ERROR,
                  ex.getMessage(),
                  Map.of(
                      "hint",
                      "see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help"));
          ErrorReport.print(err, usage, wantsText(args));
          return ErrorCode.USAGE_ERROR.exitStatus();
        });
    return cli.execute(args);
  }

  /** The command tree, its commands built with {@code ctx}. */
  static CommandLine commandLine(Context ctx) {
    return new CommandLine(new AgentCli(), new Factory(ctx));
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
