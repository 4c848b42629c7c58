package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import dev.agentcli.app.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad manifests, names and options: each a clear error with a stable code and exit status. */
class InputErrorsTest {
  @TempDir Path home;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
  }

  /**
   * Issue 24, finding 2: picocli's {@code @FILE} expansion read any file the (service) user can
   * read into the arguments, and errors echoed it. An {@code @} argument is now a literal word.
   */
  @Test
  void noArgumentIsReadFromAFile() throws Exception {
    Path secret = home.resolve("db.password");
    Files.writeString(secret, "the-password\n");
    Files.writeString(
        home.resolve("m.json"), Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    for (String[] args :
        new String[][] {
          {"exec", home.resolve("m.json").toString(), "deploy", "@" + secret},
          {"exec", "@" + secret, "x"},
          {"approvals", "show", "@" + secret},
          {"audit", "verify", "--anchors", "@" + secret},
          {"hook", "claude-code", "@" + secret},
        }) {
      Cli.Result r = cli.run(args);
      assertFalse((r.out() + r.err()).contains("the-password"), String.join(" ", args) + "\n" + r);
    }
    Cli.Result r = cli.run("exec", "@" + secret, "x");
    assertThat(r).fails(66, "manifest_not_found");
    assertTrue(r.err().contains("@" + secret), r.toString());
  }

  /** Issue 27: with a store it could not reach, approvals list printed its header, then failed. */
  @Test
  void aStoreThatCannotBeReachedGivesItsErrorAloneNotAHalfPrintedList() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String url = "postgresql://agentcli@127.0.0.1:" + closed + "/x";
    for (String format : new String[] {"text", "json"}) {
      Cli.Result r = cli.run("approvals", "list", "--format", format, "--db", url);
      assertEquals(75, r.status(), r.toString());
      assertTrue(r.err().contains("database_unavailable"), r.err());
      assertEquals("", r.out(), format);
    }
  }

  @Test
  void missingManifestExits66() {
    Cli.Result r = cli.run("exec", "nowhere.json", "deploy");
    assertThat(r).fails(66, "manifest_not_found");
    assertEquals("not_found", r.error().path("error_type").asText());
    assertFalse(r.error().path("ok").asBoolean());
  }

  @Test
  void directoryAsManifestIsUnreadable() throws Exception {
    Files.createDirectories(home.resolve("dir.json"));
    Cli.Result r = cli.run("validate", home.resolve("dir.json").toString());
    assertThat(r).fails(66, "manifest_unreadable");
  }

  @Test
  void manifestIsFoundByNameUnderTheHome() throws Exception {
    Files.createDirectories(home.resolve("manifests"));
    Files.writeString(
        home.resolve("manifests/release.json"),
        Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    assertEquals(0, cli.run("exec", "release", "deploy").status());
    assertEquals(0, cli.run("exec", "release.json", "deploy").status());
  }

  @Test
  void manifestIsReadFromStdin() {
    cli.stdin(Cli.oneTask("{\"policy\": \"auto-approve\"}", "echo", "from-stdin"));
    Cli.Result r = cli.run("exec", "-", "deploy");
    assertThat(r).succeeds();
    assertEquals("from-stdin\n", r.json().path("result").path("stdout").asText());
  }

  @Test
  void invalidJsonIsReportedWithItsPosition() {
    String m = cli.manifest("bad.json", "{\"version\": \"0.2\", \"workflows\": [");
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).fails(65, "manifest_invalid");
    assertTrue(
        r.error()
            .path("details")
            .path("problems")
            .get(0)
            .path("message")
            .asText()
            .contains("line 1"));
  }

  @Test
  void validateReportsEveryProblemWithItsPath() {
    String m =
        cli.manifest(
            "bad.json",
            "{\"version\": \"9\", \"workflows\": [{\"id\": \"w\", \"tasks\": ["
                + "{\"id\": \"a\", \"shell\": {\"args\": [1]}, \"approval\": {\"policy\": \"maybe\"}},"
                + "{\"id\": \"a\", \"shell\": {\"program\": \"true\", \"env\": {\"X\": 2}},"
                + " \"approval\": {\"approver_scope\": \"team:x\", \"timeout_s\": -5}}]}]}");
    Cli.Result r = cli.run("validate", m);
    assertThat(r).exits(65);
    assertFalse(r.json().path("ok").asBoolean());
    java.util.Set<String> paths = new java.util.HashSet<>();
    r.json().path("problems").forEach(p -> paths.add(p.path("path").asText()));
    assertEquals(
        java.util.Set.of(
            "$.version",
            "$.workflows[0].tasks[0].shell.program",
            "$.workflows[0].tasks[0].shell.args[0]",
            "$.workflows[0].tasks[0].approval.policy",
            "$.workflows[0].tasks[1].id",
            "$.workflows[0].tasks[1].shell.env.X",
            "$.workflows[0].tasks[1].approval.approver_scope",
            "$.workflows[0].tasks[1].approval.timeout_s"),
        paths);
  }

  @Test
  void validateAcceptsAValidManifestAndListsItsTasks() {
    String m =
        cli.manifest(
            "ok.json",
            Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    Cli.Result r = cli.run("validate", m);
    assertThat(r).succeeds();
    assertTrue(r.json().path("ok").asBoolean());
    assertEquals("release/deploy", r.json().path("tasks").get(0).path("task").asText());
  }

  @Test
  void duplicateKeysAreRefused() {
    String m =
        cli.manifest("dup.json", "{\"version\": \"0.2\", \"version\": \"0.1\", \"workflows\": []}");
    assertEquals("manifest_invalid", cli.run("exec", m, "x").code());
  }

  @Test
  void unknownTaskListsTheKnownOnes() {
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    Cli.Result r = cli.run("exec", m, "deplyo");
    assertThat(r).fails(65, "task_not_found");
    assertEquals("release/deploy", r.error().path("details").path("known_tasks").get(0).asText());
    assertEquals("task_not_found", cli.run("exec", m, "deploy", "--workflow", "nope").code());
  }

  @Test
  void taskIdInTwoWorkflowsNeedsTheWorkflow() {
    String m =
        cli.manifest(
            "two.json",
            "{\"version\": \"0.1\", \"workflows\": ["
                + "{\"id\": \"a\", \"tasks\": [{\"id\": \"t\", \"shell\": {\"program\": \"echo\", \"args\": [\"a\"]}}]},"
                + "{\"id\": \"b\", \"tasks\": [{\"id\": \"t\", \"shell\": {\"program\": \"echo\", \"args\": [\"b\"]}}]}]}");
    Cli.Result r = cli.run("exec", m, "t");
    assertThat(r).fails(65, "task_ambiguous");
    JsonNode b = cli.run("exec", m, "t", "--workflow", "b").json();
    assertEquals("b\n", b.path("result").path("stdout").asText());
  }

  @Test
  void usageErrorsExit2WithJsonOnStderr() {
    for (String[] args :
        new String[][] {
          {"exec"},
          {"exec", "m.json"},
          {"frobnicate"},
          {"approvals", "list", "--bogus"},
          {"audit", "--limit", "many"},
          {"exec", "m.json", "t", "--format", "yaml"}
        }) {
      Cli.Result r = cli.run(args);
      assertEquals(2, r.status(), String.join(" ", args) + "\n" + r);
      assertThat(r).hasCode("usage_error");
      assertTrue(r.out().isEmpty(), "nothing on stdout for " + String.join(" ", args));
    }
  }

  @Test
  void aBadLockTimeoutOptionIsAUsageErrorAndABadVariableAnInputError() {
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    assertEquals("usage_error", cli.run("claim", m, "deploy", "--lock-timeout-ms", "-1").code());
    cli.env("AGENTCLI_LOCK_TIMEOUT_MS", "soon");
    assertEquals("input_invalid", cli.run("claim", m, "deploy").code());
  }

  @Test
  void helpAndVersionSucceed() {
    Cli.Result help = cli.run("--help");
    assertThat(help).succeeds();
    assertTrue(help.out().contains("approve"));
    assertEquals(0, cli.run("exec", "--help").status());
    assertEquals(0, cli.run("approvals", "revoke", "--help").status());
    Cli.Result version = cli.run("--version");
    assertThat(version).succeeds();
    assertTrue(version.out().startsWith("agentcli "));
  }

  @Test
  void unexpectedFailureIsAnInternalErrorWithExit70() {
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    java.time.Clock broken =
        dev.agentcli.TestClock.reading(
            () -> {
              throw new IllegalStateException("clock unavailable");
            });
    Context ctx =
        new Context(
            java.util.Map.of("AGENTCLI_HOME", home.toString(), "PATH", System.getenv("PATH")),
            broken,
            home,
            java.io.InputStream.nullInputStream(),
            java.security.SecureRandom::new,
            home.resolve("no-operator-config.json"),
            java.io.OutputStream.nullOutputStream(),
            java.io.OutputStream.nullOutputStream());
    java.io.StringWriter err = new java.io.StringWriter();
    int status =
        AgentCli.execute(
            ctx,
            new java.io.PrintWriter(new java.io.StringWriter()),
            new java.io.PrintWriter(err),
            "approve",
            m,
            "deploy",
            "--by",
            "ops",
            "--signer",
            "none");
    assertEquals(70, status, err.toString());
    assertTrue(err.toString().contains("\"code\":\"internal_error\""), err.toString());
    assertTrue(err.toString().contains("clock unavailable"), err.toString());
  }

  @Test
  void demoRunsItsTourEndToEnd() {
    Cli.Result r = cli.run("demo");
    assertThat(r).succeeds();
    assertTrue(r.out().contains("[approval_required]"));
    assertTrue(r.out().contains("deploying v1.2.3"));
    assertTrue(r.out().contains("[approval_auto_rejected]"));
  }
}
