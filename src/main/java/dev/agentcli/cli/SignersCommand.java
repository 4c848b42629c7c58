package dev.agentcli.cli;

import picocli.CommandLine.Command;

@Command(
    name = "signers",
    description = {
      "Manage the trust store: the OpenSSH allowed_signers file ($AGENTCLI_ALLOWED_SIGNERS, else"
          + " <home>/allowed_signers) that says which key may sign grants as which approver.",
      "Nothing is trusted on first use: a key signs only once it is added here."
    },
    subcommands = {SignersAddCommand.class, SignersListCommand.class, SignersRemoveCommand.class})
final class SignersCommand extends GroupCommand {}
