package dev.agentcli.cli;

import dev.agentcli.app.Context;

final class SignersCommand extends GroupCommand {
  SignersCommand(Context ctx) {
    super(ctx);
  }

  @Override
  void declare(Definition d) {
    d.text(
        "Manage the trust store: the OpenSSH allowed_signers file ($AGENTCLI_ALLOWED_SIGNERS, else"
            + " <home>/allowed_signers) that says which key may sign grants as which approver.",
        "Nothing is trusted on first use: a key signs only once it is added here.");
    d.subcommand("add", new SignersAddCommand(ctx));
    d.subcommand("list", new SignersListCommand(ctx));
    d.subcommand("remove", new SignersRemoveCommand(ctx));
    d.subcommand("enrol-passkey", new SignersEnrolPasskeyCommand(ctx));
  }
}
