package dev.agentcli.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests written the way agentcli stores them: {@code sha256:<64 hex>}. */
public final class Sha256 {
  private Sha256() {}

  public static String of(String text) {
    return of(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String of(byte[] bytes) {
    return hex(digest().digest(bytes));
  }

  /** The digest of a file's content, read as a stream. */
  public static String ofFile(Path file) throws IOException {
    MessageDigest d = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        d.update(buffer, 0, n);
      }
    }
    return hex(d.digest());
  }

  /** {@code sha256:<hex>} of a finished digest. */
  public static String hex(byte[] digest) {
    return "sha256:" + HexFormat.of().formatHex(digest);
  }

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
