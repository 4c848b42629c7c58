package dev.agentcli.cli;

import dev.agentcli.signing.AllowedSigners;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "remove",
    description =
        "Stop trusting the keys listed for a principal (or one of them, with --key). Grants they"
            + " signed no longer verify.")
final class SignersRemoveCommand extends BaseCommand {
  @Parameters(paramLabel = "<principal>", description = "The principal whose lines are removed.")
  String principal;

  @Option(
      names = "--key",
      paramLabel = "<fingerprint>",
      description = "Only the line with this key (SHA256:... as signers list shows).")
  String fingerprint;

  SignersRemoveCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    List<AllowedSigners.Entry> removed =
        workspace.trustStore().remove(principal, Optional.ofNullable(fingerprint));
    List<Map<String, Object>> views = removed.stream().map(SignersListCommand::view).toList();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("removed", views);
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
