package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.hook.ClaudeSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

final class HookUninstallCommand extends BaseCommand {
  final HookTarget target = new HookTarget();

  @Override
  void declare(Definition d) {
    d.text(
        "Remove agentcli's hook from Claude Code's settings.json, leaving every other setting and"
            + " hook as it was.");
    target.define(d);
  }

  HookUninstallCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Path file = target.file(ctx);
    boolean removed = ClaudeSettings.uninstall(file);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("settings", file.toString());
    result.put("changed", removed);
    print(
        result,
        out ->
            out.println(
                (removed ? "Removed the agentcli hook from " : "No agentcli hook in ") + file));
    return 0;
  }
}
