package dev.agentcli.cli;

import dev.agentcli.app.Context;

final class AuditListCommand extends BaseCommand {
  final AuditFilter filter = new AuditFilter();

  @Override
  void declare(Definition d) {
    d.text("The most recent audit events that match, oldest first.");
    filter.define(d);
  }

  AuditListCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    return AuditCommand.list(this, workspace, filter);
  }
}
