package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.hook.ClaudeSettings;
import dev.agentcli.serve.Running;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class HookStatusCommand extends BaseCommand {
  final HookTarget target = new HookTarget();

  /** The launcher at the start of the command hook, as ClaudeCodeHook.quote wrote it. */
  private static final Pattern QUOTED = Pattern.compile("^'((?:[^']|'\\\\'')*)'");

  @Override
  void declare(Definition d) {
    d.text(
        "Which agentcli hook Claude Code's settings hold (none, the command hook or the http hook"
            + " of agentcli serve) and whether it answers: for the http hook, the server's health"
            + " with the hook's own token; for the command hook, its agentcli's version.");
    target.define(d);
  }

  HookStatusCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Path file = target.file(ctx);
    Optional<Map<?, ?>> hook = ClaudeSettings.ours(file);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("settings", file.toString());
    result.put("type", hook.map(h -> String.valueOf(h.get("type"))).orElse("none"));
    hook.ifPresent(
        h -> {
          boolean http = "http".equals(h.get("type"));
          result.put(http ? "url" : "command", http ? h.get("url") : h.get("command"));
          result.put("answers", http ? healthy(h) : launcherAnswers(h));
        });
    print(
        result,
        out ->
            out.println(
                hook.isEmpty()
                    ? "No agentcli hook in " + file
                    : "The agentcli "
                        + result.get("type")
                        + " hook in "
                        + file
                        + (Boolean.TRUE.equals(result.get("answers"))
                            ? " answers"
                            : " does NOT answer: Claude Code blocks every Bash call")));
    return 0;
  }

  /** Whether agentcli serve answers its health check with the hook's own header. */
  private static boolean healthy(Map<?, ?> hook) {
    return hook.get("url") instanceof String url
        && hook.get("headers") instanceof Map<?, ?> headers
        && headers.get("Authorization") instanceof String auth
        && url.endsWith(ClaudeSettings.HTTP_PATH)
        && Running.healthPid(
                url.substring(0, url.length() - ClaudeSettings.HTTP_PATH.length()), auth)
            .isPresent();
  }

  /** Whether the command hook's agentcli starts and says its version. */
  private boolean launcherAnswers(Map<?, ?> hook) {
    if (!(hook.get("command") instanceof String command)) {
      return false;
    }
    Matcher m = QUOTED.matcher(command);
    String launcher = m.find() ? m.group(1).replace("'\\''", "'") : command.split(" ", 2)[0];
    try {
      Process p =
          new ProcessBuilder(launcher, "version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
