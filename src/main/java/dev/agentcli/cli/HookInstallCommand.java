package dev.agentcli.cli;

import dev.agentcli.hook.ClaudeSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "install",
    description = {
      "Add agentcli's PreToolUse hook for Bash to Claude Code's settings.json (the project's by"
          + " default), keeping every other setting and hook; installing again replaces it.",
      "The hook runs with a timeout of --timeout seconds and answers deny on its own 10 seconds"
          + " before it; its command ends with || exit 2, so that a hook that cannot even start"
          + " blocks the call instead of letting it run."
    })
final class HookInstallCommand extends BaseCommand {
  @Mixin HookTarget target;

  @Option(
      names = "--timeout",
      paramLabel = "<seconds>",
      defaultValue = "60",
      description = "The hook's timeout in settings.json (default ${DEFAULT-VALUE}, at least 15).")
  long timeoutS;

  @Option(
      names = "--agentcli",
      paramLabel = "<path>",
      description =
          "The agentcli command the hook runs (default: this launcher, $AGENTCLI_LAUNCHER, else"
              + " agentcli on PATH).")
  String agentcli;

  HookInstallCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    if (timeoutS < 15 || timeoutS > 3600) {
      throw BadOption.of("--timeout", timeoutS, "it must be between 15 and 3600 seconds");
    }
    String launcher =
        agentcli != null ? agentcli : ctx.env().getOrDefault("AGENTCLI_LAUNCHER", "agentcli");
    String command =
        HookClaudeCodeCommand.quote(launcher)
            + ClaudeSettings.MARK
            + " --deadline "
            + (timeoutS - 10)
            + "s || exit 2";
    java.nio.file.Path file = target.file(ctx);
    boolean changed = ClaudeSettings.install(file, ClaudeSettings.entry(command, timeoutS));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("settings", file.toString());
    result.put("changed", changed);
    result.put("command", command);
    result.put("timeout_s", timeoutS);
    print(
        result,
        out ->
            out.println(
                (changed ? "Installed" : "Already installed")
                    + " the agentcli hook in "
                    + file
                    + ": "
                    + command));
    return 0;
  }
}
