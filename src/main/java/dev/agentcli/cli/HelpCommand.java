package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code help [command [subcommand]]}: the usage of agentcli, or of the command named. */
final class HelpCommand implements Runnable, Definition.Defined {
  private final List<String> names = new ArrayList<>();
  private CommandSpec spec;

  @Override
  public void define(Definition d) {
    spec = d.spec();
    d.helpCommand();
    d.text("Show the usage of agentcli, or of a command (as <command> --help does).");
    d.help();
    d.positionals("0..*")
        .label("<command>")
        .text("The command (and subcommand), e.g. exec, or approvals list.")
        .to(names::addAll);
  }

  @Override
  public void run() {
    CommandLine shown;
    try {
      shown = named(spec.parent().commandLine(), names);
    } catch (AgentCliException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    shown.usage(spec.commandLine().getOut());
  }

  /**
   * The command {@code names} lead to from {@code root} (for help and man); a usage error names the
   * first that is no command there.
   */
  static CommandLine named(CommandLine root, List<String> names) {
    CommandLine command = root;
    for (String name : names) {
      CommandLine sub = command.getSubcommands().get(name);
      if (sub == null) {
        throw BadOption.of(
            "<command>",
            name,
            "it must be one of " + String.join(", ", command.getSubcommands().keySet()));
      }
      command = sub;
    }
    return command;
  }
}
