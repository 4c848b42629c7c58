package dev.agentcli.cli;

import dev.agentcli.app.Context;

final class HookCommand extends GroupCommand {
  HookCommand(Context ctx) {
    super(ctx);
  }

  @Override
  void declare(Definition d) {
    d.text(
        "Agent hooks: the Claude Code PreToolUse hook itself, and installing or removing it in"
            + " Claude Code's settings.json.");
    d.subcommand("claude-code", new HookClaudeCodeCommand(ctx));
    d.subcommand("install", new HookInstallCommand(ctx));
    d.subcommand("uninstall", new HookUninstallCommand(ctx));
    d.subcommand("status", new HookStatusCommand(ctx));
  }
}
