package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.signing.TrustStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class SignersRemoveCommand extends BaseCommand {
  String principal;
  String fingerprint;

  @Override
  void declare(Definition d) {
    d.text(
        "Stop trusting the keys and passkeys listed for a principal (or one of them, with --key)."
            + " Grants they signed no longer verify.");
    d.positional(String.class, "0")
        .label("<principal>")
        .text("The principal whose lines are removed.")
        .to(v -> principal = v);
    d.option(String.class, "--key")
        .label("<fingerprint>")
        .text("Only the line with this key (SHA256:... or passkey:..., as signers list shows).")
        .to(v -> fingerprint = v);
  }

  SignersRemoveCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    TrustStore.Removed removed =
        services.trustStore().removeAll(principal, Optional.ofNullable(fingerprint));
    List<Map<String, Object>> views = new ArrayList<>();
    removed.keys().forEach(e -> views.add(SignersListCommand.view(e)));
    removed.passkeys().forEach(k -> views.add(SignersListCommand.view(k)));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("removed", views);
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
