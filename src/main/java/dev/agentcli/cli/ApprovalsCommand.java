package dev.agentcli.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "approvals",
    description = "List, show and revoke grants.",
    subcommands = {
      ApprovalsListCommand.class,
      ApprovalsShowCommand.class,
      ApprovalsRevokeCommand.class
    })
final class ApprovalsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "a subcommand is required: list, show or revoke");
  }
}
