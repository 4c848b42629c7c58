package dev.agentcli.cli;

import picocli.CommandLine.Command;

@Command(
    name = "requests",
    description = "List, show and withdraw the requests agents filed, and see what was decided.",
    subcommands = {
      RequestsListCommand.class,
      RequestsShowCommand.class,
      RequestsCancelCommand.class
    })
final class RequestsCommand extends GroupCommand {}
