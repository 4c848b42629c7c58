package dev.agentcli.hook;

import dev.agentcli.codec.AtomicFile;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds agentcli's PreToolUse hook to a Claude Code {@code settings.json}, or takes it out, leaving
 * every other key and hook as it was. The entry is recognised by its command ({@value #MARK}); a
 * second install replaces it rather than adding another. A file that is not a JSON object is never
 * overwritten.
 */
public final class ClaudeSettings {
  /** What every command agentcli installs contains, and nothing else does. */
  public static final String MARK = " hook claude-code";

  /** The path agentcli serve answers the hook on; an http entry with it is agentcli's. */
  public static final String HTTP_PATH = "/v1/hooks/claude-code";

  private ClaudeSettings() {}

  /** The hook entry that runs {@code command} with {@code timeoutS} (Claude Code's own limit). */
  public static Map<String, Object> entry(String command, long timeoutS) {
    Map<String, Object> hook = new LinkedHashMap<>();
    hook.put("type", "command");
    hook.put("command", command);
    hook.put("timeout", timeoutS);
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("matcher", "Bash");
    group.put("hooks", List.of(hook));
    return group;
  }

  /** Installs {@code entry} into {@code file}; true when the file changed. */
  /**
   * The entry of the http hook, answered by {@code agentcli serve} at {@code url} with {@code
   * token}: a call it cannot make, that times out or gets no answer is blocked ({@code "onFailure":
   * "block"}), never let through.
   */
  public static Map<String, Object> httpEntry(String url, String token, long timeoutS) {
    Map<String, Object> hook = new LinkedHashMap<>();
    hook.put("type", "http");
    hook.put("url", url + HTTP_PATH);
    hook.put("headers", Map.of("Authorization", "Bearer " + token));
    hook.put("timeout", timeoutS);
    hook.put("onFailure", "block");
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("matcher", "Bash");
    group.put("hooks", List.of(hook));
    return group;
  }

  /**
   * Puts {@code entry} in place of agentcli's hook in {@code file}. With {@code secret} (the entry
   * holds the server's token), the file is made readable by its owner only.
   */
  public static boolean install(Path file, Map<String, Object> entry, boolean secret) {
    Map<String, Object> settings = read(file);
    Map<String, Object> before = copy(settings);
    List<Object> groups = preToolUse(settings, true);
    remove(groups);
    groups.add(entry);
    return write(file, before, settings, secret);
  }

  /** Removes agentcli's hook from {@code file}; true when there was one. */
  public static boolean uninstall(Path file) {
    Map<String, Object> settings = read(file);
    Map<String, Object> before = copy(settings);
    List<Object> groups = preToolUse(settings, false);
    if (groups == null || !remove(groups)) {
      return false;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> hooks = (Map<String, Object>) settings.get("hooks");
    if (groups.isEmpty()) {
      hooks.remove("PreToolUse");
    }
    if (hooks.isEmpty()) {
      settings.remove("hooks");
    }
    return write(file, before, settings, false);
  }

  /** Whether {@code file} has agentcli's hook. */
  /** agentcli's hook in {@code file} (its {@code type}, {@code command} or {@code url}...). */
  public static Optional<Map<?, ?>> ours(Path file) {
    List<Object> groups = preToolUse(read(file), false);
    if (groups == null) {
      return Optional.empty();
    }
    for (Object group : groups) {
      if (group instanceof Map<?, ?> g && g.get("hooks") instanceof List<?> hs) {
        for (Object hook : hs) {
          if (isOurs(hook)) {
            return Optional.of((Map<?, ?>) hook);
          }
        }
      }
    }
    return Optional.empty();
  }

  public static boolean installed(Path file) {
    List<Object> groups = preToolUse(read(file), false);
    return groups != null && groups.stream().anyMatch(ClaudeSettings::ours);
  }

  /** Takes agentcli's hooks out of the matcher groups (and groups left empty); true if any. */
  private static boolean remove(List<Object> groups) {
    boolean removed = false;
    for (int i = groups.size() - 1; i >= 0; i--) {
      if (groups.get(i) instanceof Map<?, ?> group && group.get("hooks") instanceof List<?> hs) {
        List<Object> kept = new ArrayList<>();
        for (Object h : hs) {
          if (isOurs(h)) {
            removed = true;
          } else {
            kept.add(h);
          }
        }
        if (kept.isEmpty() && !hs.isEmpty()) {
          groups.remove(i);
        } else if (kept.size() != hs.size()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> g = (Map<String, Object>) group;
          g.put("hooks", kept);
        }
      }
    }
    return removed;
  }

  private static boolean ours(Object group) {
    return group instanceof Map<?, ?> g
        && g.get("hooks") instanceof List<?> hs
        && hs.stream().anyMatch(ClaudeSettings::isOurs);
  }

  private static boolean isOurs(Object hook) {
    return hook instanceof Map<?, ?> h
        && (h.get("command") instanceof String c && c.contains(MARK)
            || "http".equals(h.get("type"))
                && h.get("url") instanceof String u
                && u.endsWith(HTTP_PATH));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> preToolUse(Map<String, Object> settings, boolean create) {
    Object hooks = settings.get("hooks");
    if (hooks == null && create) {
      hooks = new LinkedHashMap<String, Object>();
      settings.put("hooks", hooks);
    }
    if (hooks == null) {
      return null;
    }
    if (!(hooks instanceof Map<?, ?>)) {
      throw invalid("its \"hooks\" is not an object");
    }
    Map<String, Object> byEvent = (Map<String, Object>) hooks;
    Object list = byEvent.get("PreToolUse");
    if (list == null && create) {
      list = new ArrayList<>();
    }
    if (list == null) {
      return null;
    }
    if (!(list instanceof List<?>)) {
      throw invalid("its \"hooks\".\"PreToolUse\" is not an array");
    }
    List<Object> groups = new ArrayList<>((List<Object>) list);
    byEvent.put("PreToolUse", groups);
    return groups;
  }

  private static Map<String, Object> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new LinkedHashMap<>();
    } catch (IOException e) {
      throw invalid(file + " cannot be read: " + e.getMessage());
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return new LinkedHashMap<>();
    }
    try {
      if (Json.parse(bytes) instanceof Map<?, ?> m) {
        return copy(m);
      }
    } catch (IOException | RuntimeException e) {
      throw invalid(file + " is not valid JSON (" + e.getMessage() + "); it was left as it is");
    }
    throw invalid(file + " is not a JSON object; it was left as it is");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<?, ?> m) {
    return Json.parseObject(Json.compact(m));
  }

  /** Writes {@code settings} next to {@code file} and renames it into place, when it changed. */
  private static boolean write(
      Path file, Map<String, Object> before, Map<String, Object> settings, boolean secret) {
    if (Json.compact(before).equals(Json.compact(settings)) && Files.exists(file)) {
      return false;
    }
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      // A file that holds a token is 0600; an existing one keeps its mode; a new one is 0600.
      AtomicFile.write(
          file,
          Json.pretty(settings) + "\n",
          Files.exists(file) && !secret
              ? Files.getPosixFilePermissions(file)
              : AtomicFile.OWNER_ONLY);
      return true;
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.UNSAFE_PATH, "cannot write " + file + ": " + e.getMessage());
    }
  }

  private static AgentCliException invalid(String why) {
    return new AgentCliException(
        ErrorCode.INPUT_INVALID, "the Claude Code settings cannot be changed: " + why);
  }
}
