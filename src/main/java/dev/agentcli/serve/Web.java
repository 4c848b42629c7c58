package dev.agentcli.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** What the inbox's JSON endpoints share: bounded bodies, answers, errors, random tokens. */
final class Web {
  private static final int MAX_BODY = 64 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Web() {}

  /** A request body that is not a JSON object of at most 64 KiB. */
  static final class BadBody extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    BadBody(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  static Map<String, Object> body(HttpExchange ex) throws IOException, BadBody {
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new BadBody(413, "the request is larger than " + MAX_BODY + " bytes");
    }
    try {
      return Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new BadBody(400, "the request is not a JSON object");
    }
  }

  /** 256 random bits, base64url: a session, a ticket, a CSRF token. */
  static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static Map<String, Object> error(Throwable e) {
    if (e instanceof AgentCliException a) {
      return Map.of("ok", false, "code", a.code().id(), "error", a.getMessage());
    }
    return error("agentcli failed: " + e);
  }

  static Map<String, Object> error(String message) {
    return Map.of("ok", false, "error", message);
  }

  static void json(HttpExchange ex, int status, Map<String, Object> body) throws IOException {
    InboxPages.send(ex, status, "application/json", Json.compact(body) + "\n");
  }
}
