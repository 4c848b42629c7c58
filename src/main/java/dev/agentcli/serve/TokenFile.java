package dev.agentcli.serve;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The bearer token of {@code agentcli serve}, in a file only its owner may read (0600, created so):
 * it keeps other users of the machine, and web pages, from asking the server anything.
 */
public final class TokenFile {
  private TokenFile() {}

  /** The token in {@code file}, made (32 random bytes, hex) when the file does not exist. */
  public static String readOrCreate(Path file) {
    try {
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        try {
          Files.writeString(
              Files.createFile(
                  file,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------"))),
              HexFormat.of().formatHex(random) + "\n",
              StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException raced) {
          // another server made it first: read theirs
        }
      }
      return read(file);
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "the token file " + file + " cannot be read or made: " + e.getMessage(),
          Map.of("token_file", file.toString()));
    }
  }

  /** The token in {@code file}, which must be a regular file that only its owner can read. */
  public static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw unsafe(file, "it is not a regular file");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    for (PosixFilePermission p :
        Set.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE)) {
      if (mode.contains(p)) {
        throw unsafe(file, "others than its owner may read or write it (chmod 600 to fix)");
      }
    }
    String token = Files.readString(file).strip();
    if (token.length() < 32 || !token.matches("[A-Za-z0-9._~+/=-]+")) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "the token in " + file + " must be at least 32 characters of a bearer token",
          Map.of("token_file", file.toString()));
    }
    return token;
  }

  private static AgentCliException unsafe(Path file, String why) {
    return new AgentCliException(
        ErrorCode.UNSAFE_PATH,
        "the token file " + file + " is refused: " + why,
        Map.of("token_file", file.toString()));
  }
}
