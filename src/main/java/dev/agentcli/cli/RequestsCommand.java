package dev.agentcli.cli;

import picocli.CommandLine.Command;

@Command(
    name = "requests",
    description = "List and show the requests agents filed, and what was decided.",
    subcommands = {RequestsListCommand.class, RequestsShowCommand.class})
final class RequestsCommand extends GroupCommand {}
