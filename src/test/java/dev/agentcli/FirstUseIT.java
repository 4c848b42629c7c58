package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27's first use, end to end: a person in a real terminal (tmux) installs the hook from a
 * subfolder of a fresh git checkout, with no rules and no trusted key; Claude Code's calls are the
 * command the installed settings name, given the PreToolUse event. What is harmless runs at once;
 * what asks is answered within seconds with words for the user, which the person follows in the
 * terminal as written; the retry runs and prints the command's own output; a denial sticks.
 */
class FirstUseIT {
  @TempDir Path dir;
  final String session = "agentcli-first-use-" + ProcessHandle.current().pid();
  Path home;
  Path person;
  Path work;

  @AfterEach
  void kill() throws Exception {
    ReviewIT.killSession(session);
  }

  /** Waits (a hang guard, not a timing assertion) until the pane shows {@code text}. */
  String screenWith(String text) throws Exception {
    String screen = "";
    for (int i = 0; i < 600; i++) {
      screen = ReviewIT.tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", session);
      if (screen.contains(text)) {
        return screen;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the terminal never showed '" + text + "':\n" + screen);
  }

  void type(String line) throws Exception {
    ReviewIT.tmux("send-keys", "-t", session, "-l", line);
    ReviewIT.tmux("send-keys", "-t", session, "Enter");
  }

  Map<String, String> env() {
    return Map.of(
        "HOME",
        person.toString(),
        "AGENTCLI_HOME",
        home.toString(),
        "AGENTCLI_NO_CACHE",
        "1",
        "PATH",
        Path.of("bin").toAbsolutePath() + ":" + System.getenv("PATH"));
  }

  /** What the installed hook answers to the Bash call {@code command}, as Claude Code runs it. */
  JsonNode claudeCodeAsks(String hookCommand, String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", hookCommand).directory(work.toFile());
    pb.environment().putAll(env());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, command)));
    }
    Jvm.Done d = Jvm.await(p);
    assertEquals(0, d.status(), d.toString());
    return ClaudeCodeEvents.JSON.readTree(d.out()).path("hookSpecificOutput");
  }

  Jvm.Done agentRuns(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(work.toFile());
    pb.environment().putAll(env());
    return Jvm.await(pb.start());
  }

  static String requestId(JsonNode answer) {
    Matcher m =
        Pattern.compile("`agentcli approve ([0-9a-f]+) --by <you>`")
            .matcher(answer.path("permissionDecisionReason").asText());
    assertTrue(m.find(), answer.toString());
    return m.group(1);
  }

  long requests() throws Exception {
    Process p =
        new ProcessBuilder(
                "sqlite3",
                home.resolve("state/agentcli.db").toString(),
                "SELECT count(*) FROM requests")
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return Long.parseLong(out);
  }

  @Test
  void aNewUserIsToldWhatToDoFollowsItAndTheDecisionsHold() throws Exception {
    home = Files.createDirectories(dir.resolve("agentcli-home"));
    person = Files.createDirectories(dir.resolve("person"));
    work = Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(work.resolve("src"));
    assertEquals(0, new ProcessBuilder("git", "init", "-q", work.toString()).start().waitFor());
    TestFiles.ed25519(Files.createDirectories(person.resolve(".ssh")), "id_ed25519");
    Path script = dir.resolve("shell.sh");
    StringBuilder exports = new StringBuilder();
    env()
        .forEach(
            (k, v) -> exports.append("export ").append(k).append("='").append(v).append("'\n"));
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + exports
            + "cd '"
            + work.resolve("src")
            + "'\nexport PS1='$ ' HISTFILE=\nexec bash --norc --noprofile -i\n");
    ReviewIT.tmux("new-session", "-d", "-s", session, "-x", "250", "-y", "80", "sh " + script);

    // Installed from a subfolder: at the checkout's top, where Claude Code looks, with next steps.
    type("agentcli hook install claude-code");
    String installed = screenWith("Trust yours once");
    assertTrue(
        installed.contains("the starter rules are in " + home.resolve("rules.json")), installed);
    Path settings = work.resolve(".claude/settings.local.json");
    assertTrue(Files.exists(settings), installed);
    assertFalse(Files.exists(work.resolve("src/.claude")));
    String hook =
        ClaudeCodeEvents.JSON
            .readTree(settings.toFile())
            .at("/hooks/PreToolUse/0/hooks/0/command")
            .asText();

    // What is harmless runs at once; what asks is answered within seconds (the deadline is 50 s).
    assertEquals("allow", claudeCodeAsks(hook, "git status").path("permissionDecision").asText());
    long asked = System.nanoTime();
    JsonNode first = claudeCodeAsks(hook, "mkdir -v made");
    assertTrue(
        System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(40),
        "no stall until the deadline: " + first);
    assertEquals("deny", first.path("permissionDecision").asText());
    String reason = first.path("permissionDecisionReason").asText();
    assertTrue(reason.contains("`agentcli signers add <you> ~/.ssh/id_ed25519.pub`"), reason);
    String id = requestId(first);

    // The person does as told, in the terminal.
    type("agentcli signers add alice ~/.ssh/id_ed25519.pub");
    screenWith("to sign grants as alice");
    type("agentcli approve " + id + " --by alice");
    screenWith("Approved request " + id);

    // The retry runs through the gate and prints what mkdir prints, nothing of agentcli's.
    JsonNode second = claudeCodeAsks(hook, "mkdir -v made");
    assertEquals("allow", second.path("permissionDecision").asText(), second.toString());
    Jvm.Done ran = agentRuns(second.at("/updatedInput/command").asText());
    assertEquals(0, ran.status(), ran.toString());
    assertEquals("mkdir: created directory 'made'\n", ran.out());
    assertTrue(Files.isDirectory(work.resolve("made")));

    // A denial sticks: the same call again hears who denied it and why, and nobody is asked again.
    String toDeny = requestId(claudeCodeAsks(hook, "rm -r made"));
    type("agentcli deny " + toDeny + " --by alice --reason 'keep that folder'");
    screenWith("keep that folder");
    long before = requests();
    JsonNode again = claudeCodeAsks(hook, "rm -r made");
    assertEquals("deny", again.path("permissionDecision").asText());
    String denied = again.path("permissionDecisionReason").asText();
    assertTrue(denied.contains("alice") && denied.contains("keep that folder"), denied);
    assertEquals(before, requests(), "no new request was filed");
    assertTrue(Files.isDirectory(work.resolve("made")));
  }
}
