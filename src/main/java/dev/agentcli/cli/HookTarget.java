package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.Map;

/** Which agent, and which of its settings files, a hook is installed in or removed from. */
final class HookTarget implements Definition.Defined {
  String agent;
  final Where where = new Where();

  /** The settings file: at most one of them. */
  static final class Where {
    boolean project;
    boolean user;
    Path settings;
  }

  @Override
  public void define(Definition d) {
    d.positional(String.class, "0")
        .label("<agent>")
        .text("The agent: claude-code (the only one with hooks so far).")
        .to(v -> agent = v);
    d.exclusive("0..1");
    d.flag("--project")
        .text(
            "The project's .claude/settings.json ($CLAUDE_PROJECT_DIR, else the working"
                + " directory); the default.")
        .to(v -> where.project = v);
    d.flag("--user").text("The user's ~/.claude/settings.json.").to(v -> where.user = v);
    d.option(Path.class, "--settings")
        .label("<file>")
        .text(
            "This settings file (e.g. the managed /etc/claude-code/managed-settings.json, which"
                + " the agent cannot edit).")
        .to(v -> where.settings = v);
    d.endGroup();
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
