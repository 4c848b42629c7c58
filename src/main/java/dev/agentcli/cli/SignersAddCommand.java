package dev.agentcli.cli;

import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.signing.SshPublicKey;
import dev.agentcli.signing.TrustStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "add",
    description =
        "Trust a public key to sign grants as a principal, in the agentcli namespace only.")
final class SignersAddCommand extends BaseCommand {
  @Parameters(
      index = "0",
      paramLabel = "<principal>",
      description = "The approver, as in approve --by.")
  String principal;

  @Parameters(index = "1", paramLabel = "<public-key-file>", description = "An OpenSSH .pub file.")
  Path keyFile;

  SignersAddCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    TrustStore trust = workspace.trustStore();
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
