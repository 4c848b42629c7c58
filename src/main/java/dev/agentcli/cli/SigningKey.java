package dev.agentcli.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The SSH key a person signs a decision with: the one named, else the usual places. */
final class SigningKey {
  private SigningKey() {}

  /**
   * {@code named} (relative to the working directory), else {@code $AGENTCLI_SIGNING_KEY}, else the
   * first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists.
   */
  static Optional<Path> find(Context ctx, Path named) {
    if (named != null) {
      return Optional.of(ctx.cwd().resolve(named));
    }
    String fromEnv = ctx.env().get("AGENTCLI_SIGNING_KEY");
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return Optional.of(ctx.cwd().resolve(fromEnv));
    }
    String home = ctx.env().get("HOME");
    if (home == null) {
      return Optional.empty();
    }
    return Stream.of("id_ed25519", "id_ecdsa", "id_rsa")
        .map(name -> Path.of(home, ".ssh", name))
        .filter(Files::isRegularFile)
        .findFirst();
  }
}
