package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.FirstUse;
import dev.agentcli.app.Services;
import dev.agentcli.hook.ClaudeCodeHook;
import dev.agentcli.hook.ClaudeSettings;
import dev.agentcli.serve.Running;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

final class HookInstallCommand extends BaseCommand {
  final HookTarget target = new HookTarget();
  long timeoutS;
  String agentcli;
  boolean commandHook;

  @Override
  void declare(Definition d) {
    d.text(
        "Add agentcli's PreToolUse hook for Bash to Claude Code's settings (the project's"
            + " .claude/settings.local.json at the top of its git work tree by default), keeping"
            + " every other setting and hook; installing again replaces it.",
        "With agentcli serve running for this home (and not --shared or --command) it installs the"
            + " http hook: a POST to the server with its token, answered in milliseconds, and"
            + " \"onFailure\": \"block\", so that a server that is down blocks the call; the file"
            + " is then readable by its owner only. Else the command hook: it runs with a timeout of"
            + " --timeout seconds and answers deny on its own 10 seconds before it; its command ends"
            + " with || exit 2, so that a hook that cannot even start blocks the call instead of"
            + " letting it run.");
    target.define(d);
    d.option(Long.class, "--timeout")
        .label("<seconds>")
        .defaultValue("60")
        .text("The hook's timeout in settings.json (default ${DEFAULT-VALUE}, at least 15).")
        .to(v -> timeoutS = v);
    d.option(String.class, "--agentcli")
        .label("<path>")
        .text(
            "The agentcli command the hook runs (default: this launcher, $AGENTCLI_LAUNCHER, else"
                + " agentcli on PATH; with --shared, agentcli on PATH).")
        .to(v -> agentcli = v);
    d.flag("--command")
        .text("Install the command hook even when agentcli serve is running.")
        .to(v -> commandHook = v);
  }

  HookInstallCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (timeoutS < 15 || timeoutS > 3600) {
      throw BadOption.of("--timeout", timeoutS, "it must be between 15 and 3600 seconds");
    }
    // A shared file never holds this machine's path: the launcher there is agentcli on PATH.
    String launcher =
        agentcli != null
            ? agentcli
            : target.shared()
                ? "agentcli"
                : ctx.env().getOrDefault("AGENTCLI_LAUNCHER", "agentcli");
    String command =
        ClaudeCodeHook.quote(launcher)
            + ClaudeSettings.MARK
            + " --deadline "
            + (timeoutS - 10)
            + "s || exit 2";
    // The server's token never goes into a file a team shares.
    Optional<Running> server =
        commandHook || target.shared()
            ? Optional.empty()
            : Running.read(Running.file(services.settings().home()));
    Optional<String> token = server.flatMap(Running::answeringToken);
    Path file = target.file(ctx);
    boolean changed =
        token.isPresent()
            ? ClaudeSettings.install(
                file, ClaudeSettings.httpEntry(server.get().url(), token.get(), timeoutS), true)
            : ClaudeSettings.install(file, ClaudeSettings.entry(command, timeoutS), false);
    Optional<Path> starter = services.writeStarterRules();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("settings", file.toString());
    result.put("changed", changed);
    result.put("type", token.isPresent() ? "http" : "command");
    if (token.isPresent()) {
      result.put("url", server.get().url() + ClaudeSettings.HTTP_PATH);
    } else {
      result.put("command", command);
    }
    result.put("timeout_s", timeoutS);
    starter.ifPresent(rules -> result.put("starter_rules", rules.toString()));
    boolean nobodyTrusted = FirstUse.nobodyTrusted(services);
    if (nobodyTrusted) {
      result.put("next_step", FirstUse.TRUST_YOUR_KEY);
    }
    print(
        result,
        out -> {
          out.println(
              (changed ? "Installed" : "Already installed")
                  + " the agentcli hook in "
                  + file
                  + ": "
                  + (token.isPresent()
                      ? "http to agentcli serve at " + server.get().url()
                      : command));
          starter.ifPresent(
              rules ->
                  out.println(
                      "No rules existed, so the starter rules are in "
                          + rules
                          + ": reading, listing and searching (ls, cat, grep, find, git status,"
                          + " log, diff...) are allowed; what writes, installs, pushes or deletes"
                          + " asks a person; rm -rf /, forced pushes, git reset --hard and the"
                          + " like are denied. Edit the file to change them."));
          if (nobodyTrusted) {
            out.println(
                "Nobody can approve yet: an approval is signed with a person's SSH key, and "
                    + services.trust().allowedSigners().path()
                    + " trusts none. Trust yours once: "
                    + FirstUse.TRUST_YOUR_KEY);
          }
        });
    return 0;
  }
}
