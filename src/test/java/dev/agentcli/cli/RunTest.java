package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunTest {
  @TempDir Path home;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    rules(
        """
        {"rules": [
          {"match": "echo *", "decision": "allow"},
          {"match": "rm *", "decision": "deny", "reason": "nothing is deleted here"},
          {"match": "git push *", "decision": "ask", "approval": {"risk_level": "high"}}
        ]}
        """);
  }

  void rules(String json) throws Exception {
    Files.createDirectories(home);
    Files.writeString(home.resolve("rules.json"), json);
  }

  @Test
  void anAllowedCommandRunsDirectlyAndIsAudited() {
    Cli.Result r = cli.run("run", "--", "echo", "hello", "world");
    assertThat(r).succeeds();
    assertEquals("hello world\n", r.json().path("result").path("stdout").asText());
    assertEquals("echo *", r.json().path("ruling").path("rule").asText());
    assertEquals("run", r.json().path("workflow_id").asText());
    Cli.Result audit = cli.run("audit", "--limit", "0");
    assertEquals(
        "exec_finished",
        audit
            .json()
            .path("events")
            .get(audit.json().path("events").size() - 1)
            .path("event_type")
            .asText());
  }

  @Test
  void aDeniedCommandNeverRunsAndTheRefusalNamesTheRule() {
    Cli.Result r = cli.run("run", "--shell", "echo first; rm -rf " + home.resolve("x"));
    assertThat(r).fails(77, "approval_auto_rejected").errContains("nothing is deleted here");
    assertEquals("rm *", r.error().path("details").path("ruling").path("rule").asText());
  }

  @Test
  void aCommandThatAsksNeedsAGrantAndSaysHowToAsk() {
    Cli.Result r = cli.run("run", "--", "git", "push", "origin", "main");
    assertThat(r).fails(77, "approval_required").errContains("--wait");
    Cli.Result unknown = cli.run("run", "--", "make");
    assertThat(unknown).fails(77, "approval_required");
    assertEquals("default", unknown.error().path("details").path("ruling").path("rule").asText());
  }

  @Test
  void theBindingIsTheExactCommandItsWorkingDirectoryAndProgram() {
    Cli.Result a = cli.run("run", "--dry-run", "--", "git", "push", "origin", "main");
    Cli.Result b = cli.run("run", "--dry-run", "--", "git", "push", "origin", "main2");
    Cli.Result shell = cli.run("run", "--dry-run", "--shell", "git push origin main");
    assertThat(a).succeeds();
    assertEquals("ask", a.json().path("ruling").path("decision").asText());
    assertNotEquals(a.json().path("task_hash"), b.json().path("task_hash"));
    assertNotEquals(a.json().path("task_hash"), shell.json().path("task_hash"));
    assertEquals(
        a.json().path("task_hash"),
        cli.run("run", "--dry-run", "--", "git", "push", "origin", "main")
            .json()
            .path("task_hash"));
    assertEquals("high", a.json().path("binding").path("approval").path("risk_level").asText());
    assertEquals(
        "sha256:", a.json().path("binding").path("program_sha256").asText().substring(0, 7));
  }

  @Test
  void badInputGetsAClearCode() throws Exception {
    assertThat(cli.run("run")).fails(2, "usage_error");
    assertThat(cli.run("run", "--shell", "ls", "--", "ls")).fails(2, "usage_error");
    assertThat(cli.run("run", "--shell", "echo 'open")).fails(65, "command_unparsable");
    rules("{\"rules\": [{\"match\": \"ls\", \"decision\": \"maybe\"}]}");
    assertThat(cli.run("run", "--", "ls")).fails(65, "rules_invalid").errContains("decision");
    rules("{not json");
    assertThat(cli.run("run", "--", "ls")).fails(65, "rules_invalid");
  }

  @Test
  void withoutRulesEveryCommandAsks() throws Exception {
    Files.delete(home.resolve("rules.json"));
    assertThat(cli.run("run", "--", "echo", "hi")).fails(77, "approval_required");
  }
}
