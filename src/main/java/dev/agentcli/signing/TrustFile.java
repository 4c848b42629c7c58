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

/**
 * How the trust store's line files ({@code allowed_signers}, {@code allowed_passkeys}) are read and
 * changed: whole, a missing file read as empty, every change written by {@link AtomicFile}.
 */
final class TrustFile {
  private TrustFile() {}

  /** The file's text; empty when it does not exist. */
  static String read(Path path) {
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

  /** Adds {@code line} (ending in a newline) at the end of the file, made if missing. */
  static void append(Path path, String line) {
    String text = read(path);
    write(path, (text.isEmpty() || text.endsWith("\n") ? text : text + "\n") + line);
  }

  /** Removes the lines numbered (from 1) in {@code lines}. */
  static void removeLines(Path path, List<Integer> lines) {
    write(path, AtomicFile.withoutLines(read(path), lines));
  }

  private static void write(Path path, String text) {
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
