package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookCommandTest {
  @TempDir Path home;

  @Test
  void installWritesAHookThatDeniesBeforeItsTimeoutAndBlocksWhenItCannotStart() throws Exception {
    Cli cli = new Cli(home).env("AGENTCLI_LAUNCHER", "/opt/agent cli/bin/agentcli");
    Path settings = home.resolve("project/.claude/settings.json");
    Cli.Result r = cli.run("hook", "install", "claude-code", "--settings", settings.toString());
    assertThat(r).succeeds();
    JsonNode hook =
        new ObjectMapper().readTree(settings.toFile()).path("hooks").path("PreToolUse").get(0);
    assertEquals("Bash", hook.path("matcher").asText());
    assertEquals(60, hook.path("hooks").get(0).path("timeout").asInt());
    assertEquals(
        "'/opt/agent cli/bin/agentcli' hook claude-code --deadline 50s || exit 2",
        hook.path("hooks").get(0).path("command").asText());
    assertFalse(
        cli.run("hook", "install", "claude-code", "--settings", settings.toString())
            .json()
            .path("changed")
            .asBoolean());
    assertTrue(
        cli.run("hook", "uninstall", "claude-code", "--settings", settings.toString())
            .json()
            .path("changed")
            .asBoolean());
  }

  /** Issue 25, finding 5: a first user got no rules at all, so every command asked. */
  @Test
  void installWritesTheStarterRulesWhenThereAreNone() throws Exception {
    Cli cli = new Cli(home);
    Path settings = home.resolve("project/.claude/settings.json");
    Cli.Result r = cli.run("hook", "install", "claude-code", "--settings", settings.toString());
    assertThat(r).succeeds();
    Path rules = home.resolve("rules.json");
    assertEquals(rules.toString(), r.json().path("starter_rules").asText());
    assertEquals(dev.agentcli.rules.Rules.starterText(), Files.readString(rules));
    assertThat(cli.run("run", "--dry-run", "--shell", "cd src && git status")).succeeds();
    assertEquals(
        "allow",
        cli.run("run", "--dry-run", "--shell", "git log --oneline | head -5")
            .json()
            .path("ruling")
            .path("decision")
            .asText());
    Files.writeString(rules, "{\"rules\": []}");
    Cli.Result again = cli.run("hook", "install", "claude-code", "--settings", settings.toString());
    assertTrue(again.json().path("starter_rules").isMissingNode(), again.toString());
    assertEquals("{\"rules\": []}", Files.readString(rules), "existing rules are kept");
  }

  @Test
  void theProjectsLocalSettingsAreTheDefault() {
    Cli cli = new Cli(home).env("CLAUDE_PROJECT_DIR", home.resolve("p").toString());
    Cli.Result r = cli.run("hook", "install", "claude-code", "--timeout", "30");
    assertThat(r).succeeds();
    assertEquals(
        home.resolve("p/.claude/settings.local.json").toString(),
        r.json().path("settings").asText());
    assertTrue(r.json().path("command").asText().contains("--deadline 20s"));
  }

  /**
   * Issue 27: run in a subfolder, install wrote .claude/settings.json there (where Claude Code does
   * not look) with this machine's absolute path in it, in a file teams commit.
   */
  @Test
  void fromASubfolderTheHookGoesToTheTopOfTheWorkTreeAndASharedFileHoldsNoPathOfThisMachine()
      throws Exception {
    Path repo = home.resolve("repo");
    Path sub = Files.createDirectories(repo.resolve("src/main"));
    Process git = new ProcessBuilder("git", "init", "-q", repo.toString()).start();
    assertEquals(0, git.waitFor());
    Cli cli = new Cli(home).in(sub).env("AGENTCLI_LAUNCHER", "/home/me/agentcli/bin/agentcli");

    Cli.Result local = cli.run("hook", "install", "claude-code");
    assertThat(local).succeeds();
    assertEquals(
        repo.resolve(".claude/settings.local.json").toString(),
        local.json().path("settings").asText());
    assertFalse(Files.exists(sub.resolve(".claude")));

    Cli.Result shared = cli.run("hook", "install", "claude-code", "--shared");
    assertThat(shared).succeeds();
    String written = Files.readString(repo.resolve(".claude/settings.json"));
    assertTrue(written.contains("\"'agentcli' hook claude-code"), written);
    assertFalse(written.contains("/home/me"), written);
  }

  @Test
  void badInputGetsAClearCode() {
    Cli cli = new Cli(home);
    assertThat(cli.run("hook", "install", "cursor")).fails(65, "input_invalid");
    assertThat(cli.run("hook", "install", "claude-code", "--timeout", "5")).fails(2, "usage_error");
    assertThat(cli.run("hook", "install", "claude-code", "--user", "--project"))
        .fails(2, "usage_error");
    assertThat(cli.run("hook")).fails(2, "usage_error");
  }

  /**
   * Issue 27, finding 1: with nobody told of a request, every gated Bash call was held until the
   * hook's deadline (50 s) and then denied with nothing for the user to act on.
   */
  @Test
  void aRequestNobodyIsToldOfIsAnsweredInSecondsWithWhatTheUserMustDo() throws Exception {
    Cli cli = new Cli(home);
    Files.writeString(
        home.resolve("rules.json"),
        "{\"rules\": [{\"match\": \"git push *\", \"decision\": \"ask\"}]}");
    String event =
        "{\"session_id\": \"s1\", \"transcript_path\": \"/tmp/t.jsonl\", \"cwd\": \""
            + home
            + "\", \"hook_event_name\": \"PreToolUse\", \"tool_name\": \"Bash\","
            + " \"tool_input\": {\"command\": \"git push origin main\", \"description\":"
            + " \"Push the release branch\"}}";
    JsonNode first = cli.stdin(event).run("hook", "claude-code", "--deadline", "50s").json();
    String reason = first.path("hookSpecificOutput").path("permissionDecisionReason").asText();
    assertEquals("deny", first.path("hookSpecificOutput").path("permissionDecision").asText());
    String id = cli.onlyPendingRequest();
    assertTrue(reason.contains("needs the user's approval (Push the release branch)"), reason);
    assertTrue(reason.contains("agentcli approve " + id + " --by <you>"), reason);
    java.time.Duration waited = java.time.Duration.between(dev.agentcli.TestClock.T0, cli.now());
    assertTrue(waited.compareTo(java.time.Duration.ofSeconds(3)) <= 0, "held " + waited);

    // Someone is told of requests: the hook waits for the decision up to its deadline.
    Files.writeString(
        home.resolve("notify.json"),
        "[{\"command\": [\"/bin/true\"], \"events\": [\"approval_requested\"]}]");
    JsonNode second = cli.stdin(event).run("hook", "claude-code", "--deadline", "50s").json();
    String later = second.path("hookSpecificOutput").path("permissionDecisionReason").asText();
    assertTrue(later.startsWith("No decision yet on request " + id), later);
    assertTrue(
        java.time.Duration.between(dev.agentcli.TestClock.T0, cli.now()).toSeconds() >= 40,
        "waited until near its deadline");
  }

  @Test
  void statusSaysWhichHookIsThereAndWhetherItAnswers() throws Exception {
    Cli cli = new Cli(home);
    Path settings = home.resolve("project/.claude/settings.local.json");
    String file = settings.toString();
    JsonNode none = cli.run("hook", "status", "claude-code", "--settings", file).json();
    assertEquals("none", none.path("type").asText());
    assertFalse(none.has("answers"));
    Path missing = home.resolve("no such dir/agentcli");
    assertThat(
            cli.run(
                "hook", "install", "claude-code", "--settings", file, "--agentcli", missing + ""))
        .succeeds();
    JsonNode broken = cli.run("hook", "status", "claude-code", "--settings", file).json();
    assertEquals("command", broken.path("type").asText());
    assertFalse(broken.path("answers").asBoolean(), broken.toString());
    Path fake = home.resolve("it's agentcli");
    Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = version ] && echo 'agentcli 0.1.0'\n");
    fake.toFile().setExecutable(true);
    assertThat(
            cli.run("hook", "install", "claude-code", "--settings", file, "--agentcli", fake + ""))
        .succeeds();
    JsonNode ok = cli.run("hook", "status", "claude-code", "--settings", file).json();
    assertTrue(ok.path("answers").asBoolean(), ok.toString());
  }
}
