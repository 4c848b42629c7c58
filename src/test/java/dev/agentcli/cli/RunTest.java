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
  void quietPrintsTheCommandsOwnOutputAndNothingElse() {
    Cli.Result r = cli.run("run", "--quiet", "--", "echo", "hello");
    assertThat(r).succeeds();
    assertEquals("hello\n", r.out());
    assertEquals("", r.err());
    assertEquals(
        1, cli.count("SELECT count(*) FROM audit_events WHERE event_type = 'exec_finished'"));
  }

  @Test
  void aDeniedCommandNeverRunsAndTheRefusalNamesTheRule() {
    Cli.Result r = cli.run("run", "--shell", "echo first; rm -rf " + home.resolve("x"));
    assertThat(r).fails(77, "approval_auto_rejected").errContains("nothing is deleted here");
    assertEquals("rm *", r.error().path("details").path("ruling").path("rule").asText());
  }

  /**
   * Issue 25, finding 1: with the README's rules ({@code ls *} allowed, {@code rm -rf *} denied)
   * the reader took this here-document's body for commands, a quote in it swallowed the delimiter,
   * and the line was allowed: the shell deleted {@code victim} with nobody asked.
   */
  @Test
  void aHereDocumentsBodyIsDataAndTheCommandAfterItIsJudged() throws Exception {
    rules(
        """
        {"rules": [
          {"match": "ls *", "decision": "allow"},
          {"match": "rm -rf *", "decision": "deny", "reason": "nothing is deleted with rm -rf"}
        ]}
        """);
    Path victim = Files.createDirectories(home.resolve("victim"));
    String line = "ls <<EOF\nls '\nEOF\nrm -rf " + victim + " #'";
    for (String shell : new String[] {"sh", "bash"}) {
      Cli.Result r = cli.run("run", "--shell", line, "--shell-program", shell);
      assertThat(r).fails(77, "approval_auto_rejected").errContains("rm -rf");
      assertEquals(true, Files.isDirectory(victim), shell + ": nothing ran");
    }
  }

  /** Issue 25, finding 2: bash runs a command hidden in a quoted subscript of test -v. */
  @Test
  void aBuiltinThatEvaluatesASubscriptIsNeverSurelyAllowed() throws Exception {
    rules("{\"rules\": [{\"match\": \"test *\", \"decision\": \"allow\"}]}");
    Path marker = home.resolve("ran");
    Cli.Result r =
        cli.run(
            "run", "--shell", "test -v 'a[$(touch " + marker + ")]'", "--shell-program", "bash");
    assertThat(r).fails(77, "approval_required");
    assertEquals(false, Files.exists(marker));
  }

  /** Issue 25, finding 3: three quoting desyncs lowered a deny to an ask. */
  @Test
  void quotingTheShellReadsOtherwiseNoLongerLowersADeny() {
    for (String line :
        new String[] {
          "echo `echo \\`rm -rf x\\``",
          "echo $'\\\\' ; rm -rf x # '",
          "echo ${x:-'}'} ; rm -rf x # '"
        }) {
      Cli.Result r = cli.run("run", "--shell", line, "--shell-program", "bash");
      assertThat(r).fails(77, "approval_auto_rejected");
    }
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
