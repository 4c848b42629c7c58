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
}
