package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/** Which agent, and which of its settings files, a hook is installed in or removed from. */
final class HookTarget implements Definition.Defined {
  String agent;
  final Where where = new Where();

  /** The settings file: at most one of them. */
  static final class Where {
    boolean project;
    boolean shared;
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
            "The project's .claude/settings.local.json, this machine's own (Claude Code keeps it"
                + " out of git); the project is $CLAUDE_PROJECT_DIR, else the git work tree the"
                + " working directory is in, else the working directory. The default.")
        .to(v -> where.project = v);
    d.flag("--shared")
        .text(
            "The project's .claude/settings.json, which a team commits: the hook then runs"
                + " agentcli from PATH (or --agentcli), never a path of this machine.")
        .to(v -> where.shared = v);
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
    return project(ctx)
        .resolve(".claude")
        .resolve(where.shared ? "settings.json" : "settings.local.json");
  }

  /** Whether the file is one a team shares (no path of this machine may go into it). */
  boolean shared() {
    return where.shared;
  }

  /**
   * Where Claude Code looks for the project's settings: $CLAUDE_PROJECT_DIR, else the top of the
   * git work tree the working directory is in (the folder holding {@code .git}, a folder or a
   * worktree's file), else the working directory. A hook installed in a subfolder is never read.
   */
  static Path project(Context ctx) {
    String project = ctx.env().get("CLAUDE_PROJECT_DIR");
    if (project != null && !project.isBlank()) {
      return Path.of(project);
    }
    for (Path dir = ctx.cwd().toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        return dir;
      }
    }
    return ctx.cwd();
  }
}
