package dev.agentcli.cli;

import picocli.CommandLine.Command;

@Command(
    name = "approvals",
    description = "List, show and revoke grants.",
    subcommands = {
      ApprovalsListCommand.class,
      ApprovalsShowCommand.class,
      ApprovalsRevokeCommand.class
    })
final class ApprovalsCommand extends BaseCommand {
  ApprovalsCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    spec.commandLine().usage(err());
    return 2;
  }
}
