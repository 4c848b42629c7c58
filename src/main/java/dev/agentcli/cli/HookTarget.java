package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Which agent, and which of its settings files, a hook is installed in or removed from. */
final class HookTarget {
  @Parameters(
      index = "0",
      paramLabel = "<agent>",
      description = "The agent: claude-code (the only one with hooks so far).")
  String agent;

  @ArgGroup(exclusive = true)
  Where where = new Where();

  static final class Where {
    @Option(
        names = "--project",
        description =
            "The project's .claude/settings.json ($CLAUDE_PROJECT_DIR, else the working"
                + " directory); the default.")
    boolean project;

    @Option(names = "--user", description = "The user's ~/.claude/settings.json.")
    boolean user;

    @Option(
        names = "--settings",
        paramLabel = "<file>",
        description =
            "This settings file (e.g. the managed /etc/claude-code/managed-settings.json, which"
                + " the agent cannot edit).")
    Path settings;
  }

  Path file(Context ctx) {
    if (!agent.equals("claude-code")) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "no hook for agent '" + agent + "': the agent with hooks is claude-code",
          Map.of("agent", agent));
    }
    if (where.settings != null) {
      return ctx.cwd().resolve(where.settings);
    }
    if (where.user) {
      String home = ctx.env().get("HOME");
      if (home == null || home.isBlank()) {
        throw new AgentCliException(ErrorCode.INPUT_INVALID, "--user needs HOME to be set");
      }
      return Path.of(home, ".claude", "settings.json");
    }
    String project = ctx.env().get("CLAUDE_PROJECT_DIR");
    Path dir = project == null || project.isBlank() ? ctx.cwd() : Path.of(project);
    return dir.resolve(".claude").resolve("settings.json");
  }
}
