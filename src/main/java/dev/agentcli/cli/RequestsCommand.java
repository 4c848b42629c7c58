package dev.agentcli.cli;

import dev.agentcli.app.Context;

final class RequestsCommand extends GroupCommand {
  RequestsCommand(Context ctx) {
    super(ctx);
  }

  @Override
  void declare(Definition d) {
    d.text("List, show and withdraw the requests agents filed, and see what was decided.");
    d.subcommand("list", new RequestsListCommand(ctx));
    d.subcommand("show", new RequestsShowCommand(ctx));
    d.subcommand("cancel", new RequestsCancelCommand(ctx));
  }
}
