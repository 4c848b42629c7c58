package dev.agentcli.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "The most recent audit events that match, oldest first.")
final class AuditListCommand extends BaseCommand {
  @Mixin AuditFilter filter;

  AuditListCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    return AuditCommand.list(this, workspace, filter);
  }
}
