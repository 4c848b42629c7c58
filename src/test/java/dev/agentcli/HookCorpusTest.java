package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PreToolUse event of the corpus (allowed, gated, denied, compound, redirected, malformed,
 * oversized, undecided) gets its documented answer from the Claude Code hook, in process: a wait
 * for a person passes on the test's clock. {@code HookIT} sends a sample of them to the hook in its
 * own process.
 */
class HookCorpusTest {
  @TempDir Path home;
  @TempDir Path work;

  @Test
  void everyEventOfTheCorpusGetsTheDocumentedAnswer() throws Exception {
    Files.writeString(home.resolve("rules.json"), ClaudeCodeEvents.RULES);
    List<JsonNode> corpus = ClaudeCodeEvents.corpus();
    assertTrue(corpus.size() >= 30);
    Cli cli = new Cli(home);
    List<String> wrong = new ArrayList<>();
    for (JsonNode c : corpus) {
      String payload = new String(ClaudeCodeEvents.payload(c, work), StandardCharsets.UTF_8);
      String why =
          ClaudeCodeEvents.wrong(
              c,
              ClaudeCodeEvents.answer(
                  cli.stdin(payload).run("hook", "claude-code", "--deadline", "60s")));
      if (why != null) {
        wrong.add(why);
      }
    }
    assertEquals(List.of(), wrong);
  }

  /** Issue 27: rules may hand an ask to Claude Code's own prompt, audited as such. */
  @Test
  void onAskClaudeCodeHandsTheDecisionToClaudeCodesPrompt() throws Exception {
    Files.writeString(
        home.resolve("rules.json"),
        ClaudeCodeEvents.RULES.replaceFirst("\\{", "{\"on_ask\": \"claude-code\", "));
    Cli cli = new Cli(home);
    JsonNode asked =
        ClaudeCodeEvents.answer(
            cli.stdin(json(ClaudeCodeEvents.event(work, "git push origin main")))
                .run("hook", "claude-code"));
    assertEquals(
        "ask", asked.path("hookSpecificOutput").path("permissionDecision").asText(), asked + "");
    assertEquals(0, cli.count("SELECT count(*) FROM requests"), "no request: Claude Code asks");
    assertEquals(
        1,
        cli.count(
            "SELECT count(*) FROM audit_events WHERE event_type = 'command_judged'"
                + " AND details LIKE '%\"decision\":\"ask\"%'"));
    JsonNode allowed =
        ClaudeCodeEvents.answer(
            cli.stdin(json(ClaudeCodeEvents.event(work, "ls -la"))).run("hook", "claude-code"));
    assertEquals("allow", allowed.path("hookSpecificOutput").path("permissionDecision").asText());
    JsonNode denied =
        ClaudeCodeEvents.answer(
            cli.stdin(json(ClaudeCodeEvents.event(work, "rm -rf /"))).run("hook", "claude-code"));
    assertEquals("deny", denied.path("hookSpecificOutput").path("permissionDecision").asText());

    Files.writeString(home.resolve("rules.json"), "{\"on_ask\": \"whoever\", \"rules\": []}");
    JsonNode broken =
        ClaudeCodeEvents.answer(
            cli.stdin(json(ClaudeCodeEvents.event(work, "git push origin main")))
                .run("hook", "claude-code"));
    assertEquals("deny", broken.path("hookSpecificOutput").path("permissionDecision").asText());
    assertTrue(broken.toString().contains("on_ask must be"), broken.toString());
  }

  static String json(Object event) throws Exception {
    return ClaudeCodeEvents.JSON.writeValueAsString(event);
  }
}
