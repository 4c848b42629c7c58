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
import java.util.List;
import java.util.Map;
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
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  @TempDir Path work;

  @BeforeEach
  void rules() throws Exception {
    Started.requireNoHostOperatorConfig(); // the rewritten command runs the launcher
    Files.writeString(
        home.resolve("rules.json"),
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
        """);
  }

  ObjectNode event(String command) {
    ObjectNode e = JSON.createObjectNode();
    e.put("session_id", "sess-1");
    e.put("transcript_path", "/tmp/transcript.jsonl");
    e.put("cwd", work.toString());
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

  byte[] payload(JsonNode c) throws Exception {
    if (c.has("raw")) {
      return c.path("raw").asText().getBytes(StandardCharsets.UTF_8);
    }
    ObjectNode e = event(c.path("command").asText(""));
    if (c.path("oversized").asBoolean()) {
      ((ObjectNode) e.path("tool_input")).put("description", "x".repeat(1024 * 1024));
    }
    c.path("fields").properties().forEach(f -> put(e, f.getKey(), f.getValue()));
    c.path("tool").properties().forEach(f -> put(e, f.getKey(), f.getValue()));
    return JSON.writeValueAsBytes(e);
  }

  static void put(ObjectNode e, String key, JsonNode value) {
    if (value.isNull()) {
      e.remove(key);
    } else {
      e.set(key, value);
    }
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
    assertEquals(0, d.status(), "the hook always answers with exit 0: " + d);
    assertEquals(1, d.out().lines().count(), "one line of JSON on stdout: " + d);
    return JSON.readTree(d.out());
  }

  @Test
  void everyEventOfTheCorpusGetsTheDocumentedAnswer() throws Exception {
    List<JsonNode> corpus = new ArrayList<>();
    JSON.readTree(Path.of("src/test/resources/claude-code/corpus.json").toFile())
        .forEach(corpus::add);
    assertTrue(corpus.size() >= 30);
    // The calls that wait for a person until their deadline go last, together: one batch waits.
    corpus.sort(java.util.Comparator.comparing(HookIT::waits));
    List<String> wrong = new ArrayList<>();
    for (int from = 0; from < corpus.size(); from += 8) {
      List<Process> batch = new ArrayList<>();
      for (int i = from; i < Math.min(from + 8, corpus.size()); i++) {
        // A call that waits for a person waits until near its deadline: those get a short one;
        // the others a long one, so that a loaded machine never turns their answer into a deny.
        batch.add(
            hook(
                payload(corpus.get(i)),
                Map.of(),
                "--deadline",
                waits(corpus.get(i)) ? "6s" : "60s"));
      }
      for (int i = from; i < Math.min(from + 8, corpus.size()); i++) {
        JsonNode c = corpus.get(i);
        JsonNode a = answer(Jvm.await(batch.get(i - from)));
        String decision = a.path("hookSpecificOutput").path("permissionDecision").asText("none");
        String reason = a.path("hookSpecificOutput").path("permissionDecisionReason").asText("");
        if (!decision.equals(c.path("expect").asText())
            || !reason.contains(c.path("reason").asText(""))) {
          wrong.add(c.path("name").asText() + ": " + decision + " / " + reason);
        }
        if (decision.equals("none")) {
          assertEquals("{}", a.toString());
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  static boolean waits(JsonNode c) {
    return c.path("reason").asText().equals("needs the user's approval");
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
    JsonNode first = answer(Jvm.await(hook(payload, env, "--deadline", "4s")));
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
