package dev.agentcli.cli;

import dev.agentcli.app.Context;

final class StoreCommand extends GroupCommand {
  StoreCommand(Context ctx) {
    super(ctx);
  }

  @Override
  void declare(Definition d) {
    d.text(
        "The store itself: copy it into a new one, from a SQLite file to a shared PostgreSQL"
            + " server or back.");
    d.subcommand("copy", new StoreCopyCommand(ctx));
  }
}
