package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;

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
  int run(Services services) {
    return AuditCommand.list(this, services, filter);
  }
}
