package dev.agentcli.manifest;

import dev.agentcli.codec.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SHA-256 of a file's content, as a task binding covers it. Reading a large program on every
 * run is slow, so an implementation may remember digests by the file's identity (device, inode,
 * size, modification and change times); {@link #DIRECT} always reads.
 */
public interface FileDigests {
  /** {@code sha256:<hex>} of the regular file at {@code file}, or null when there is none. */
  String of(Path file);

  /** Reads the whole file every time. */
  FileDigests DIRECT =
      file -> {
        if (!Files.isRegularFile(file)) {
          return null;
        }
        try {
          return Sha256.ofFile(file);
        } catch (IOException e) {
          return null;
        }
      };
}
