package dev.agentcli.signing;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The allowed_signers file on disk: read it, add a signer, remove signers. Changes are written to a
 * temporary file, synced and renamed over the old one, so a crash leaves the old or the new file,
 * never half of one.
 */
public final class AllowedSignersFile {
  private final Path path;

  public AllowedSignersFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** The trust store; a missing file trusts nobody. */
  public AllowedSigners read() {
    return AllowedSigners.parse(TrustFile.read(path), path.toString());
  }

  /** Appends {@code principal options key}; refuses a duplicate. */
  public AllowedSigners.Entry add(
      String principal, SshPublicKey key, String options, String comment) {
    AllowedSigners current = read();
    boolean duplicate =
        current.entries().stream()
            .anyMatch(e -> e.key().sameKey(key) && e.principals().contains(principal));
    if (duplicate) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "key " + key.fingerprint() + " is already allowed for '" + principal + "'",
          Map.of("principal", principal, "key_fingerprint", key.fingerprint()));
    }
    String line =
        principal
            + " "
            + options
            + " "
            + key.openSsh()
            + (comment == null || comment.isBlank() ? "" : " " + comment.strip());
    TrustFile.append(path, line + "\n");
    AllowedSigners after = read();
    return after.entries().get(after.entries().size() - 1);
  }

  /** Removes the lines that {@code which} selects; returns how many. */
  public List<AllowedSigners.Entry> remove(Predicate<AllowedSigners.Entry> which) {
    AllowedSigners current = read();
    List<AllowedSigners.Entry> removed = current.entries().stream().filter(which).toList();
    if (removed.isEmpty()) {
      return removed;
    }
    TrustFile.removeLines(path, removed.stream().map(AllowedSigners.Entry::line).toList());
    return removed;
  }
}
