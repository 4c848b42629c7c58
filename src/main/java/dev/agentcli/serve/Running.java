package dev.agentcli.serve;

import dev.agentcli.app.Settings;
import dev.agentcli.codec.AtomicFile;
import dev.agentcli.codec.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The running server of a home, as {@code serve.json} there records it (its URL, its pid and its
 * token's file), so that {@code hook install} can point Claude Code at it once it answers.
 *
 * @param url {@code http://127.0.0.1:<port>}
 * @param inbox where people reach its web inbox (notifications link to it); null if unknown
 */
public record Running(String url, long pid, Path tokenFile, String inbox) {
  /** The record of {@code home}'s server. */
  public static Path file(Path home) {
    return home.resolve(Settings.SERVE_RECORD);
  }

  /** Records this server in {@code file} (0600, replaced whole). */
  public void write(Path file) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", url);
    m.put("pid", pid);
    m.put("token_file", tokenFile.toString());
    m.put("inbox", inbox);
    AtomicFile.write(file, Json.pretty(m) + "\n");
  }

  /** Removes {@code file} if it still records this server (another may have started since). */
  public void forget(Path file) {
    if (read(file).filter(this::equals).isPresent()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException gone) {
        // nothing to forget
      }
    }
  }

  /** The server {@code file} records, if it can be read. */
  public static Optional<Running> read(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      Map<String, Object> m = Json.parseObject(Files.readString(file));
      if (m.get("url") instanceof String u
          && u.startsWith("http://127.0.0.1:")
          && m.get("pid") instanceof Number p
          && m.get("token_file") instanceof String t) {
        return Optional.of(
            new Running(
                u, p.longValue(), Path.of(t), m.get("inbox") instanceof String i ? i : null));
      }
    } catch (IOException | RuntimeException unreadable) {
      // as if there were none
    }
    return Optional.empty();
  }

  /** The token, if this server answers its health check with it within a second or two. */
  public Optional<String> answeringToken() {
    try {
      String token = TokenFile.read(tokenFile);
      return healthPid(url, "Bearer " + token).filter(p -> p == pid).map(p -> token);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The pid of the agentcli serve at {@code url} (its base, {@code http://127.0.0.1:<port>}) if it
   * answers its health check with the header {@code Authorization: <authorization>} within a second
   * or two; empty if it does not.
   */
  public static Optional<Long> healthPid(String url, String authorization) {
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(2))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url + HookServer.HEALTH_PATH))
                      .timeout(Duration.ofSeconds(2))
                      .header("Authorization", authorization)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && Json.parseObject(r.body()).get("pid") instanceof Number p
          ? Optional.of(p.longValue())
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
