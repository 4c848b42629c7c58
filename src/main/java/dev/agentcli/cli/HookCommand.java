package dev.agentcli.cli;

import picocli.CommandLine.Command;

@Command(
    name = "hook",
    description =
        "Agent hooks: the Claude Code PreToolUse hook itself, and installing or removing it in"
            + " Claude Code's settings.json.",
    subcommands = {
      HookClaudeCodeCommand.class,
      HookInstallCommand.class,
      HookUninstallCommand.class
    })
final class HookCommand extends GroupCommand {}
