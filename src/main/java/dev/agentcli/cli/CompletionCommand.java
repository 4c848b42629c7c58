package dev.agentcli.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "completion",
    description = {
      "Print a shell completion script, generated from the command model: every command, option"
          + " and choice. bash: source <(agentcli completion bash); zsh: autoload -U"
          + " bashcompinit && bashcompinit, then the same."
    })
final class CompletionCommand extends BaseCommand {
  @Parameters(
      index = "0",
      paramLabel = "<shell>",
      description = "bash (zsh reads the same script through bashcompinit).")
  String shell;

  CompletionCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw BadOption.of("<shell>", shell, "it must be bash or zsh");
    }
    out().print(AutoComplete.bash("agentcli", AgentCli.commandLine(ctx)));
    out().flush();
    return 0;
  }
}
