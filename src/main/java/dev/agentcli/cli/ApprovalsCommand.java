package dev.agentcli.cli;

import dev.agentcli.app.Context;

final class ApprovalsCommand extends GroupCommand {
  ApprovalsCommand(Context ctx) {
    super(ctx);
  }

  @Override
  void declare(Definition d) {
    d.text("List, show, revoke and verify grants.");
    d.subcommand("list", new ApprovalsListCommand(ctx));
    d.subcommand("show", new ApprovalsShowCommand(ctx));
    d.subcommand("revoke", new ApprovalsRevokeCommand(ctx));
    d.subcommand("verify", new ApprovalsVerifyCommand(ctx));
  }
}
