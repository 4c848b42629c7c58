package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code --signing-key}: the SSH key a person signs a decision with, else the usual places. */
final class SigningKey implements Definition.Defined {
  Path named;

  @Override
  public void define(Definition d) {
    d.option(Path.class, "--signing-key")
        .label("<file>")
        .text(
            "The SSH key to sign with: a private key, or a .pub whose private key is in ssh-agent"
                + " (default: $AGENTCLI_SIGNING_KEY, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa, id_ed25519_sk,"
                + " id_ecdsa_sk; a FIDO security key asks for a touch).")
        .to(v -> named = v);
  }

  /**
   * The key named (relative to the working directory), else {@code $AGENTCLI_SIGNING_KEY}, else the
   * first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa, id_ed25519_sk, id_ecdsa_sk that exists.
   */
  Optional<Path> find(Context ctx) {
    if (named != null) {
      return Optional.of(existing(ctx.cwd().resolve(named), "--signing-key"));
    }
    String fromEnv = ctx.env().get("AGENTCLI_SIGNING_KEY");
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return Optional.of(existing(ctx.cwd().resolve(fromEnv), "AGENTCLI_SIGNING_KEY"));
    }
    String home = ctx.env().get("HOME");
    if (home == null) {
      return Optional.empty();
    }
    return Stream.of("id_ed25519", "id_ecdsa", "id_rsa", "id_ed25519_sk", "id_ecdsa_sk")
        .map(name -> Path.of(home, ".ssh", name))
        .filter(Files::isRegularFile)
        .findFirst();
  }

  /** A key file the caller named must be there: a missing file is theirs to fix, not a refusal. */
  private static Path existing(Path key, String namedBy) {
    if (!Files.isRegularFile(key)) {
      throw new AgentCliException(
          ErrorCode.SIGNING_KEY_NOT_FOUND,
          "no SSH key file " + key + " (named by " + namedBy + ")",
          Map.of("signing_key", key.toString()));
    }
    return key;
  }
}
