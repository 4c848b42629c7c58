package dev.agentcli.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: called alone, it is a usage error naming them. */
abstract class GroupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a subcommand is required: " + String.join(", ", spec.subcommands().keySet()));
  }
}
