package dev.agentcli.codec;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Set;

/**
 * A file replaced whole or not at all: the text goes to a temporary file in the target's folder
 * (created 0600, so nobody reads it half-written), is forced to disk, gets its mode, and is renamed
 * over the target. A reader sees the old file or the new one, also after a crash.
 */
public final class AtomicFile {
  /** rw------- */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private AtomicFile() {}

  /** {@code text} without its lines numbered (from 1) in {@code lines}, each line ending in \n. */
  public static String withoutLines(String text, Collection<Integer> lines) {
    String[] all = text.split("\n", -1);
    StringBuilder kept = new StringBuilder();
    for (int i = 0; i < all.length; i++) {
      if (!lines.contains(i + 1) && !(i == all.length - 1 && all[i].isEmpty())) {
        kept.append(all[i]).append('\n');
      }
    }
    return kept.toString();
  }

  /** Replaces {@code target} with {@code text} (UTF-8), mode 0600. */
  public static void write(Path target, String text) throws IOException {
    write(target, text, OWNER_ONLY);
  }

  /** Replaces {@code target} with {@code text} (UTF-8), with {@code mode}. */
  public static void write(Path target, String text, Set<PosixFilePermission> mode)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp =
        Files.createTempFile(
            dir,
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(StandardCharsets.UTF_8.encode(text));
        ch.force(true);
      }
      if (!mode.equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(tmp, mode);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
