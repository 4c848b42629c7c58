package dev.agentcli.hook;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * A Claude Code PreToolUse event, as its hook reads it on stdin: the documented fields, checked.
 * Fields it does not use are allowed (a newer Claude Code may add some); those it uses must be
 * there with the documented types, or the event is refused (and the tool call denied).
 *
 * @param toolInput the tool's arguments ({@code command}, {@code description}, {@code timeout},
 *     {@code run_in_background} for Bash), passed back unchanged but for the command
 */
public record PreToolUse(
    String sessionId,
    String transcriptPath,
    String cwd,
    String permissionMode,
    String toolName,
    Map<String, Object> toolInput,
    String toolUseId,
    String agentId) {

  /** Larger events are refused unread: no tool call a person should approve is this large. */
  public static final int MAX_BYTES = 1024 * 1024;

  /** The event in {@code bytes}; {@code input_invalid} when it is not one. */
  public static PreToolUse parse(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw invalid("the event is larger than " + MAX_BYTES + " bytes");
    }
    Object parsed;
    try {
      parsed = Json.parse(bytes);
    } catch (IOException | RuntimeException e) {
      throw invalid("the event is not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw invalid("the event is not a JSON object");
    }
    if (!"PreToolUse".equals(m.get("hook_event_name"))) {
      throw invalid(
          "hook_event_name is " + Json.compact(m.get("hook_event_name")) + ", not \"PreToolUse\"");
    }
    if (!(m.get("tool_input") instanceof Map<?, ?> input)) {
      throw invalid("tool_input is not an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> toolInput = (Map<String, Object>) input;
    String cwd = text(m, "cwd", true);
    if (!cwd.startsWith("/")) {
      throw invalid("cwd is not an absolute path");
    }
    return new PreToolUse(
        text(m, "session_id", true),
        text(m, "transcript_path", false),
        cwd,
        text(m, "permission_mode", false),
        text(m, "tool_name", true),
        toolInput,
        text(m, "tool_use_id", false),
        text(m, "agent_id", false));
  }

  /** The Bash tool's command; empty for another tool. */
  public Optional<String> bashCommand() {
    if (!toolName.equals("Bash")) {
      return Optional.empty();
    }
    if (!(toolInput.get("command") instanceof String command)) {
      throw invalid("tool_input.command of a Bash call is not a string");
    }
    return Optional.of(command);
  }

  /** What the agent says the command is for ({@code tool_input.description}), if anything. */
  public String description() {
    return toolInput.get("description") instanceof String d && !d.isBlank() ? d : null;
  }

  private static String text(Map<?, ?> m, String key, boolean required) {
    Object v = m.get(key);
    if (v == null && !required) {
      return null;
    }
    if (!(v instanceof String s) || (required && s.isEmpty())) {
      throw invalid(key + " is " + (v == null ? "missing" : "not a string"));
    }
    return s;
  }

  private static AgentCliException invalid(String why) {
    return new AgentCliException(
        ErrorCode.INPUT_INVALID, "not a PreToolUse event agentcli can judge: " + why);
  }
}
