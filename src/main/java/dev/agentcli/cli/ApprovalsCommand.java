package dev.agentcli.cli;

import picocli.CommandLine.Command;

@Command(
    name = "approvals",
    description = "List, show, revoke and verify grants.",
    subcommands = {
      ApprovalsListCommand.class,
      ApprovalsShowCommand.class,
      ApprovalsRevokeCommand.class,
      ApprovalsVerifyCommand.class
    })
final class ApprovalsCommand extends GroupCommand {}
