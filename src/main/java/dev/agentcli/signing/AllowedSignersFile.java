package dev.agentcli.signing;

import dev.agentcli.codec.AtomicFile;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    return AllowedSigners.parse(text(), path.toString());
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
    String text = text();
    String line =
        principal
            + " "
            + options
            + " "
            + key.openSsh()
            + (comment == null || comment.isBlank() ? "" : " " + comment.strip());
    write((text.isEmpty() || text.endsWith("\n") ? text : text + "\n") + line + "\n");
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
    write(
        AtomicFile.withoutLines(text(), removed.stream().map(AllowedSigners.Entry::line).toList()));
    return removed;
  }

  private String text() {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.ALLOWED_SIGNERS_INVALID,
          "cannot read " + path + ": " + e.getMessage(),
          Map.of("file", path.toString()),
          e);
    }
  }

  private void write(String text) {
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      AtomicFile.write(path, text);
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INTERNAL_ERROR,
          "cannot write " + path + ": " + e.getMessage(),
          Map.of("file", path.toString()),
          e);
    }
  }
}
