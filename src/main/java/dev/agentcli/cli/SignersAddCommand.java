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
  boolean verifyRequired;

  @Override
  void declare(Definition d) {
    d.text("Trust a public key to sign grants as a principal, in the agentcli namespace only.");
    d.positional(String.class, "0")
        .label("<principal>")
        .text("The approver, as in approve --by.")
        .to(v -> principal = v);
    d.positional(Path.class, "1")
        .label("<public-key-file>")
        .text(
            "An OpenSSH .pub file; a FIDO security key's (sk-ssh-ed25519@openssh.com,"
                + " sk-ecdsa-sha2-nistp256@openssh.com) too: its signatures count only when made"
                + " with a touch.")
        .to(v -> keyFile = v);
    d.flag("--verify-required")
        .text(
            "For a FIDO security key: count only signatures it made after checking its user's PIN"
                + " or biometric (allowed_signers option verify-required).")
        .to(v -> verifyRequired = v);
  }

  SignersAddCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    TrustStore trust = services.trustStore();
    AllowedSigners.Entry entry = trust.add(principal, ctx.cwd().resolve(keyFile), verifyRequired);
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
