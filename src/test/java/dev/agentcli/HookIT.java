package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Claude Code hook in its own process, as Claude Code runs it: a corpus of PreToolUse events
 * (allowed, gated, denied, compound, redirected, malformed, oversized, undecided past the
 * deadline), a database stuck behind a lock, and an approved command run through the gate.
 */
class HookIT {
  static final ObjectMapper JSON = ClaudeCodeEvents.JSON;

  @TempDir Path home;
  @TempDir Path work;

  @BeforeEach
  void rules() throws Exception {
    Started.requireNoHostOperatorConfig(); // the rewritten command runs the launcher
    Files.writeString(home.resolve("rules.json"), ClaudeCodeEvents.RULES);
  }

  ObjectNode event(String command) {
    return ClaudeCodeEvents.event(work, command);
  }

  Process hook(byte[] payload, Map<String, String> env, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("hook", "claude-code"));
    args.addAll(List.of(more));
    Process p = Jvm.start(home, env, "dev.agentcli.Main", args.toArray(String[]::new));
    try (OutputStream in = p.getOutputStream()) {
      in.write(payload);
    } catch (java.io.IOException closedEarly) {
      // The hook may refuse an oversized event before reading it all.
    }
    return p;
  }

  static JsonNode answer(Jvm.Done d) throws Exception {
    return ClaudeCodeEvents.answer(d.asResult());
  }

  /**
   * Every answer of the corpus is checked in process ({@code HookCorpusTest}); here, in the hook's
   * own process as Claude Code starts it, the events whose reading depends on the process (input
   * that is not JSON, empty, or over the size limit: refused before it is all read) and one of each
   * answer, a wait for a person until the deadline among them.
   */
  @Test
  void eventsInTheHooksOwnProcessGetTheDocumentedAnswer() throws Exception {
    List<JsonNode> sample = new ArrayList<>();
    Set<String> answers = new HashSet<>();
    for (JsonNode c : ClaudeCodeEvents.corpus()) {
      String kind = c.path("expect").asText() + (ClaudeCodeEvents.waits(c) ? " waits" : "");
      if (c.has("raw") || c.path("oversized").asBoolean() || answers.add(kind)) {
        sample.add(c);
      }
    }
    assertTrue(sample.size() >= 8, "a sample of every kind: " + sample.size());
    List<Process> started = new ArrayList<>();
    for (JsonNode c : sample) {
      // A call that waits for a person waits until near its deadline: those get a short one;
      // the others a long one, so that a loaded machine never turns their answer into a deny.
      started.add(
          hook(
              ClaudeCodeEvents.payload(c, work),
              Map.of(),
              "--deadline",
              ClaudeCodeEvents.waits(c) ? "6s" : "60s"));
    }
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      String why = ClaudeCodeEvents.wrong(sample.get(i), answer(Jvm.await(started.get(i))));
      if (why != null) {
        wrong.add(why);
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aHookStuckBehindTheDatabaseLockStillDeniesByItsDeadline() throws Exception {
    assertThat(new Cli(home).run("run", "--", "echo", "x")).succeeds(); // creates the database
    Process holder =
        new ProcessBuilder("sqlite3", home.resolve("state/agentcli.db").toString())
            .redirectErrorStream(true)
            .start();
    OutputStream sql = holder.getOutputStream();
    sql.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n".getBytes(StandardCharsets.UTF_8));
    sql.flush();
    try {
      assertEquals(
          "locked", new String(holder.getInputStream().readNBytes(6), StandardCharsets.UTF_8));
      long start = System.nanoTime();
      Jvm.Done d =
          Jvm.await(
              hook(
                  JSON.writeValueAsBytes(event("git push origin main")),
                  Map.of(),
                  "--deadline",
                  "5s",
                  "--lock-timeout-ms",
                  "600000"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      JsonNode a = answer(d);
      assertEquals("deny", a.path("hookSpecificOutput").path("permissionDecision").asText());
      // The hook timeout `hook install --timeout 15` would write is 15 s; the answer comes first.
      assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "answered after " + took);
      assertTrue(took.compareTo(Duration.ofSeconds(5)) >= 0, "answered before its deadline");
    } finally {
      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anApprovedCommandIsAllowedRewrittenAndRunsOnceThroughTheGate() throws Exception {
    Path made = work.resolve("made");
    String command = "touch " + made;
    Map<String, String> env =
        Map.of("AGENTCLI_LAUNCHER", Path.of("bin/agentcli").toAbsolutePath().toString());
    byte[] payload = JSON.writeValueAsBytes(event(command));
    // Nobody is told of the request: the hook answers after a few seconds whatever its deadline,
    // which only has to leave a loaded machine the time to file the request.
    JsonNode first = answer(Jvm.await(hook(payload, env, "--deadline", "30s")));
    assertEquals("deny", first.path("hookSpecificOutput").path("permissionDecision").asText());
    Cli cli = new Cli(home);
    String id = cli.onlyPendingRequest();
    assertThat(
            cli.at(java.time.Instant.now()).run("approve", id, "--by", "ops", "--signer", "none"))
        .succeeds();

    JsonNode second = answer(Jvm.await(hook(payload, env, "--deadline", "20s")));
    JsonNode out = second.path("hookSpecificOutput");
    assertEquals("allow", out.path("permissionDecision").asText(), second.toString());
    JsonNode updated = out.path("updatedInput");
    assertEquals("a corpus call", updated.path("description").asText());
    assertEquals(120000, updated.path("timeout").asInt());
    String rewritten = updated.path("command").asText();
    assertTrue(rewritten.contains(" run --passthrough --shell-program 'bash' --shell "), rewritten);

    Jvm.Done ran = bash(rewritten);
    assertEquals(0, ran.status(), ran.toString());
    // The command's own output reaches the model, not agentcli's JSON envelope (issue 27).
    assertTrue(!ran.out().contains("execution_id"), ran.toString());
    assertTrue(Files.exists(made));
    Files.delete(made);
    Jvm.Done again = bash(rewritten);
    assertEquals(77, again.status(), "the grant was good for one run: " + again);
    assertTrue(!Files.exists(made));
  }

  Jvm.Done bash(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(work.toFile());
    pb.environment().put("AGENTCLI_HOME", home.toString());
    pb.environment().put("AGENTCLI_NO_CACHE", "1");
    return Jvm.await(pb.start());
  }
}
