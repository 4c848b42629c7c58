package dev.agentcli.cli;

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
    CommandLine shown = spec.parent().commandLine();
    for (String name : names) {
      CommandLine sub = shown.getSubcommands().get(name);
      if (sub == null) {
        throw new ParameterException(shown, "unknown command: " + name);
      }
      shown = sub;
    }
    shown.usage(spec.commandLine().getOut());
  }
}
