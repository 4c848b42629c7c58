package dev.agentcli.cli;

import dev.agentcli.app.Context;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A command that only groups subcommands: called alone, it is a usage error naming them. */
abstract class GroupCommand implements Runnable, Definition.Defined {
  final Context ctx;
  private CommandSpec spec;

  GroupCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public final void define(Definition d) {
    spec = d.spec();
    declare(d);
    d.help();
  }

  /** The group's description and its subcommands. */
  abstract void declare(Definition d);

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a subcommand is required: " + String.join(", ", spec.subcommands().keySet()));
  }
}
