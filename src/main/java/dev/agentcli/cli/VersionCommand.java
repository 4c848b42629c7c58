package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import java.util.Map;

final class VersionCommand extends BaseCommand {
  VersionCommand(Context ctx) {
    super(ctx);
  }

  @Override
  void declare(Definition d) {
    d.text("Print agentcli's version (as --version does).");
  }

  @Override
  int run(Services services) {
    String version = new AgentCli.Version().getVersion()[0];
    print(
        Map.of("ok", true, "version", version.replace("agentcli ", "")),
        out -> out.println(version));
    return 0;
  }
}
