package dev.agentcli.cli;

import dev.agentcli.approval.GrantPayload;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.signing.SshPublicKey;
import java.io.IOException;
import java.nio.file.Files;
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
    if (!principal.matches("[^\\s\\p{Cntrl},\"!*?]{1,200}")) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "<principal> must be 1 to 200 characters without spaces, commas, quotes or ! * ?",
          Map.of("principal", principal));
    }
    Path file = ctx.cwd().resolve(keyFile);
    String[] line;
    SshPublicKey key;
    try {
      line = Files.readString(file).strip().split("\\s+", 3);
      key = SshPublicKey.parseOpenSsh(String.join(" ", line));
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "cannot read " + file + ": " + e.getMessage(),
          Map.of("file", file.toString()),
          e);
    } catch (RuntimeException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          file + " is not an OpenSSH public key: " + e.getMessage(),
          Map.of("file", file.toString()));
    }
    AllowedSigners.Entry entry =
        workspace
            .allowedSigners()
            .add(principal, key, GrantPayload.NAMESPACE, line.length > 2 ? line[2] : null);
    workspace
        .audit()
        .append(
            AuditEvent.builder("signer_added", ctx.clock().instant())
                .actor(principal)
                .detail("key_fingerprint", key.fingerprint())
                .detail("allowed_signers", workspace.allowedSigners().path().toString())
                .build());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("allowed_signers", workspace.allowedSigners().path().toString());
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
                    + GrantPayload.NAMESPACE
                    + ", in "
                    + workspace.allowedSigners().path()
                    + ")"));
    return 0;
  }
}
