package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.signing.SshPublicKey;
import dev.agentcli.signing.TrustStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

final class SignersAddCommand extends BaseCommand {
  String principal;
  Path keyFile;

  @Override
  void declare(Definition d) {
    d.text("Trust a public key to sign grants as a principal, in the agentcli namespace only.");
    d.positional(String.class, "0")
        .label("<principal>")
        .text("The approver, as in approve --by.")
        .to(v -> principal = v);
    d.positional(Path.class, "1")
        .label("<public-key-file>")
        .text("An OpenSSH .pub file.")
        .to(v -> keyFile = v);
  }

  SignersAddCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    TrustStore trust = services.trustStore();
    AllowedSigners.Entry entry = trust.add(principal, ctx.cwd().resolve(keyFile));
    SshPublicKey key = entry.key();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("allowed_signers", trust.path().toString());
    result.put("signer", SignersListCommand.view(entry));
    print(
        result,
        out ->
            out.println(
                "Trusted "
                    + key.type()
                    + " key "
                    + key.fingerprint()
                    + " to sign grants as "
                    + principal
                    + " (namespace "
                    + trust.namespace()
                    + ", in "
                    + trust.path()
                    + ")"));
    return 0;
  }
}
