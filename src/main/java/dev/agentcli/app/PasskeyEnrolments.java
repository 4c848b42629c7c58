package dev.agentcli.app;

import dev.agentcli.approval.Expiry;
import dev.agentcli.codec.AtomicFile;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One-time links that enrol a passkey for a principal: {@code signers enrol-passkey} (run by
 * whoever may change the trust store) makes one, the inbox of {@code serve} uses it once. Each is a
 * file in the home's {@code passkey-enrolments} folder (0700), named by the SHA-256 of its secret
 * token, so that the folder never holds a usable link; using a link deletes its file, which only
 * one caller can do.
 */
public final class PasskeyEnrolments {
  /** What a link enrols: a passkey for {@code principal}, made at {@code origin}. */
  public record Ticket(String principal, String origin, boolean verifyRequired, Instant expires) {}

  private final Path dir;

  public PasskeyEnrolments(Path dir) {
    this.dir = dir;
  }

  /** A new link's secret token (base64url, 256 bits). */
  public String create(Ticket ticket, SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("principal", ticket.principal());
    m.put("origin", ticket.origin());
    m.put("verify_required", ticket.verifyRequired());
    m.put("expires_at", Timestamps.format(ticket.expires()));
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      AtomicFile.write(file(token), Json.pretty(m) + "\n");
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INTERNAL_ERROR, "cannot write the enrolment in " + dir + ": " + e.getMessage());
    }
    return token;
  }

  /** The ticket {@code token} names, while it is unused and not expired at {@code now}. */
  public Optional<Ticket> find(String token, Instant now) {
    Map<String, Object> m;
    try {
      m = Json.parseObject(Files.readString(file(token), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    Ticket t =
        new Ticket(
            String.valueOf(m.get("principal")),
            String.valueOf(m.get("origin")),
            Boolean.TRUE.equals(m.get("verify_required")),
            Timestamps.parse(String.valueOf(m.get("expires_at"))));
    return Expiry.passed(t.expires(), now) ? Optional.empty() : Optional.of(t);
  }

  /** Uses the link up: true for the one caller that did. */
  public boolean use(String token) {
    try {
      Files.delete(file(token));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private Path file(String token) {
    return dir.resolve(
        Sha256.of(token.getBytes(StandardCharsets.UTF_8)).replace("sha256:", "") + ".json");
  }
}
