package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import picocli.AutoComplete;

final class CompletionCommand extends BaseCommand {
  String shell;

  @Override
  void declare(Definition d) {
    d.text(
        "Print a shell completion script, generated from the command model: every command, option"
            + " and choice. bash: source <(agentcli completion bash); zsh: autoload -U"
            + " bashcompinit && bashcompinit, then the same.");
    d.positional(String.class, "0")
        .label("<shell>")
        .text("bash (zsh reads the same script through bashcompinit).")
        .to(v -> shell = v);
  }

  CompletionCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw BadOption.of("<shell>", shell, "it must be bash or zsh");
    }
    out().print(AutoComplete.bash("agentcli", AgentCli.commandLine(ctx)));
    out().flush();
    return 0;
  }
}
