package dev.agentcli.notify;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where notifications go: a webhook (an HTTP POST of the message, signed with HMAC-SHA256 under the
 * key in {@code secret_file}) or a command (the message on its stdin), for some event types.
 */
public record Target(URI webhook, Path secretFile, List<String> command, Set<String> events) {

  /** What is notified when a target names no events: a request waiting, decided, closing. */
  public static final Set<String> DEFAULT_EVENTS =
      Set.of(
          "approval_requested",
          "request_expiring",
          "approval_granted",
          "approval_cosigned",
          "request_denied",
          "request_cancelled",
          "request_expired");

  private static final Set<String> KEYS = Set.of("webhook", "secret_file", "command", "events");

  public Target {
    command = command == null ? null : List.copyOf(command);
    events = Set.copyOf(events);
  }

  /** How the audit trail names the target: the URL without its query, or the program. */
  public String name() {
    if (webhook != null) {
      return webhook.getScheme()
          + "://"
          + webhook.getHost()
          + (webhook.getPort() < 0 ? "" : ":" + webhook.getPort())
          + (webhook.getPath() == null ? "" : webhook.getPath());
    }
    return command.get(0);
  }

  /** The targets in {@code file} (a JSON array); none when there is no such file. */
  public static List<Target> read(Path file, Set<String> knownEvents) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw invalid(file.toString(), "it cannot be read: " + e.getMessage());
    }
    try {
      return parse(Json.parse(bytes), file.toString(), knownEvents);
    } catch (IOException e) {
      throw invalid(file.toString(), "it is not valid JSON: " + e.getMessage());
    }
  }

  /**
   * The targets written as {@code node} (a JSON array), read from {@code source}; {@code
   * notify_invalid} naming the first problem.
   */
  public static List<Target> parse(Object node, String source, Set<String> knownEvents) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> items)) {
      throw invalid(source, "notify must be an array of targets");
    }
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = "notify[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> m)) {
        throw invalid(source, path + " must be an object");
      }
      for (Object k : m.keySet()) {
        if (!KEYS.contains(String.valueOf(k))) {
          throw invalid(
              source,
              "unknown key "
                  + path
                  + "."
                  + k
                  + " (known: "
                  + String.join(", ", KEYS.stream().sorted().toList())
                  + ")");
        }
      }
      if (m.containsKey("webhook") == m.containsKey("command")) {
        throw invalid(source, path + " needs either webhook or command");
      }
      Set<String> events = DEFAULT_EVENTS;
      if (m.containsKey("events")) {
        if (!(m.get("events") instanceof List<?> list) || list.isEmpty()) {
          throw invalid(source, path + ".events must be a non-empty array of event types");
        }
        for (Object e : list) {
          if (!knownEvents.contains(String.valueOf(e)) && !"request_expiring".equals(e)) {
            throw invalid(source, path + ".events: no event type " + e);
          }
        }
        events = Set.copyOf(list.stream().map(String::valueOf).toList());
      }
      if (m.containsKey("webhook")) {
        URI uri;
        try {
          uri = URI.create(String.valueOf(m.get("webhook")));
        } catch (IllegalArgumentException e) {
          throw invalid(source, path + ".webhook is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw invalid(source, path + ".webhook must be an http:// or https:// URL");
        }
        if (!(m.get("secret_file") instanceof String secret) || !secret.startsWith("/")) {
          throw invalid(
              source,
              path + ".secret_file is required: the absolute path of the key that signs each POST");
        }
        targets.add(new Target(uri, Path.of(secret), null, events));
      } else {
        if (m.containsKey("secret_file")) {
          throw invalid(source, path + ".secret_file applies to a webhook only");
        }
        if (!(m.get("command") instanceof List<?> argv)
            || argv.isEmpty()
            || !argv.stream().allMatch(a -> a instanceof String s && !s.isEmpty())
            || !String.valueOf(argv.get(0)).startsWith("/")) {
          throw invalid(
              source, path + ".command must be an array of strings, an absolute program first");
        }
        targets.add(new Target(null, null, argv.stream().map(String::valueOf).toList(), events));
      }
    }
    return targets;
  }

  private static AgentCliException invalid(String source, String why) {
    return new AgentCliException(
        ErrorCode.NOTIFY_INVALID,
        "the notification targets in " + source + " are not usable: " + why,
        Map.of("source", source));
  }
}
