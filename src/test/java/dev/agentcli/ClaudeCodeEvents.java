package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Claude Code's PreToolUse events as the tests send them, and the corpus of events with the answer
 * each must get ({@code src/test/resources/claude-code/corpus.json}), read by the in-process test
 * of every event and the one that runs some of them in the hook's own process.
 */
public final class ClaudeCodeEvents {
  private ClaudeCodeEvents() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** The rules the corpus is judged by. */
  static final String RULES =
      """
      {"approval": {"signature": "optional"},
       "rules": [
        {"match": "git status", "decision": "allow"},
        {"match": "git log *", "decision": "allow"},
        {"match": "ls *", "decision": "allow"},
        {"match": "echo *", "decision": "allow"},
        {"match": "cat *", "decision": "allow"},
        {"match": "grep *", "decision": "allow"},
        {"match": "rm -rf *", "decision": "deny", "reason": "nothing is deleted with rm -rf"},
        {"match": "sudo *", "decision": "deny", "reason": "no sudo"},
        {"match": "git push *", "decision": "ask", "approval": {"risk_level": "high",
                                                             "signature": "optional"}}
      ]}
      """;

  /** A Bash call of {@code command} in {@code cwd}, as Claude Code sends it. */
  static ObjectNode event(Path cwd, String command) {
    ObjectNode e = JSON.createObjectNode();
    e.put("session_id", "sess-1");
    e.put("transcript_path", "/tmp/transcript.jsonl");
    e.put("cwd", cwd.toString());
    e.put("permission_mode", "default");
    e.put("hook_event_name", "PreToolUse");
    e.put("tool_name", "Bash");
    ObjectNode input = e.putObject("tool_input");
    input.put("command", command);
    input.put("description", "a corpus call");
    input.put("timeout", 120000);
    input.put("run_in_background", false);
    e.put("tool_use_id", "toolu_01");
    return e;
  }

  static List<JsonNode> corpus() throws IOException {
    List<JsonNode> corpus = new ArrayList<>();
    JSON.readTree(Path.of("src/test/resources/claude-code/corpus.json").toFile())
        .forEach(corpus::add);
    return corpus;
  }

  /** The bytes the hook reads for corpus entry {@code c}, its calls made in {@code cwd}. */
  static byte[] payload(JsonNode c, Path cwd) throws IOException {
    if (c.has("raw")) {
      return c.path("raw").asText().getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode e = event(cwd, c.path("command").asText(""));
    if (c.path("oversized").asBoolean()) {
      ((ObjectNode) e.path("tool_input")).put("description", "x".repeat(1024 * 1024));
    }
    c.path("fields").properties().forEach(f -> put(e, f.getKey(), f.getValue()));
    c.path("tool").properties().forEach(f -> put(e, f.getKey(), f.getValue()));
    return JSON.writeValueAsBytes(e);
  }

  private static void put(ObjectNode e, String key, JsonNode value) {
    if (value.isNull()) {
      e.remove(key);
    } else {
      e.set(key, value);
    }
  }

  /** Whether entry {@code c} waits for a person (until its deadline, or the unannounced wait). */
  static boolean waits(JsonNode c) {
    return c.path("reason").asText().equals("needs the user's approval");
  }

  /** The hook's answer: always exit 0 and one line of JSON. */
  static JsonNode answer(Cli.Result r) throws IOException {
    assertEquals(0, r.status(), "the hook always answers with exit 0: " + r);
    assertEquals(1, r.out().lines().count(), "one line of JSON on stdout: " + r);
    return JSON.readTree(r.out());
  }

  /** What is wrong with {@code answer} to entry {@code c}; null when it is the documented one. */
  static String wrong(JsonNode c, JsonNode answer) {
    String decision = answer.path("hookSpecificOutput").path("permissionDecision").asText("none");
    String reason = answer.path("hookSpecificOutput").path("permissionDecisionReason").asText("");
    if (decision.equals("none") && !answer.toString().equals("{}")) {
      return c.path("name").asText() + ": no decision, yet not {}: " + answer;
    }
    if (!decision.equals(c.path("expect").asText())
        || !reason.contains(c.path("reason").asText(""))) {
      return c.path("name").asText() + ": " + decision + " / " + reason;
    }
    return null;
  }
}
