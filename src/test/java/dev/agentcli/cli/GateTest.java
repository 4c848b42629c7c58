package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approve, claim and exec through the CLI, on a real SQLite file. */
class GateTest {
  static final String MANUAL =
      "{\"policy\": \"manual\", \"approver_scope\": \"domain:example.com\", \"timeout_s\": 900,"
          + " \"risk_level\": \"high\", \"signature\": \"optional\"}";

  @TempDir Path home;
  Cli cli;
  String manifest;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    manifest = cli.manifest("m.json", Cli.oneTask(MANUAL, "echo", "hello", "world"));
  }

  String approve(String... extra) {
    return cli.approveUnsignedBy("alice@example.com", manifest, "deploy", extra);
  }

  /** Issue 27: a manifest's task_env fixes what its tasks inherit, over the home's default. */
  @Test
  void aManifestsTaskEnvIsWhatTheTaskGetsAndBindsWhatItInherits() {
    String m =
        cli.manifest(
            "env.json",
            """
            {"version": "0.2",
             "task_env": {"PATH": "/opt/none:/usr/bin:/bin", "inherit": ["NODE_ENV"]},
             "workflows": [{"id": "w", "tasks": [
              {"id": "show", "shell": {"program": "/usr/bin/env"},
               "approval": {"policy": "manual", "signature": "optional"}}]}]}
            """);
    cli.env("NODE_ENV", "production").env("PATH", "/home/person/bin:/usr/bin");
    cli.approveUnsigned(m, "show");
    // The agent's PATH differs and does not matter; what the child printed is what it got.
    Cli.Result ran = cli.env("PATH", "/usr/bin:/bin").env("SECRET", "x").run("exec", m, "show");
    assertThat(ran).succeeds();
    List<String> got = ran.json().path("result").path("stdout").asText().lines().sorted().toList();
    assertEquals(
        List.of(
            "HOME=" + System.getProperty("user.home"),
            "LANG=C.UTF-8",
            "NODE_ENV=production",
            "PATH=/opt/none:/usr/bin:/bin"),
        got);
    // What it inherits is bound: another NODE_ENV is another task, named as the difference.
    cli.approveUnsigned(m, "show");
    Cli.Result other = cli.env("NODE_ENV", "development").run("exec", m, "show");
    assertThat(other).fails(77, "approval_required").errContains("NODE_ENV");
    Cli.Result invalid =
        cli.run(
            "validate",
            cli.manifest(
                "bad.json",
                "{\"version\": \"0.2\", \"task_env\": {\"PATH\": 1, \"inherit\": \"X\"},"
                    + " \"workflows\": []}"));
    assertEquals(65, invalid.status());
    assertEquals(
        List.of("$.task_env.PATH", "$.task_env.inherit"),
        invalid.json().path("problems").findValuesAsText("path"));
  }

  @Test
  void aGrantGoodForThreeRunsRunsThreeTimesAndRevokingStopsTheRest() {
    String m3 =
        cli.manifest(
            "three.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\", \"max_uses\": 3}",
                "echo",
                "again"));
    assertThat(cli.run("approve", m3, "deploy", "--by", "ops", "--signer", "none", "--uses", "4"))
        .fails(65, "approval_uses_too_many");
    String id = cli.approveUnsigned(m3, "deploy", "--uses", "3");
    assertThat(cli.run("exec", m3, "deploy")).succeeds();
    assertThat(cli.run("exec", m3, "deploy")).succeeds();
    JsonNode shown = cli.run("approvals", "show", id).json().path("approval");
    assertEquals(1, shown.path("uses_left").asInt());
    assertEquals("pending", shown.path("status").asText());
    assertThat(cli.run("approvals", "revoke", id, "--by", "ops")).succeeds();
    assertThat(cli.run("exec", m3, "deploy")).fails(77, "approval_required");

    String again = cli.approveUnsigned(m3, "deploy", "--uses", "2");
    assertThat(cli.run("exec", m3, "deploy")).succeeds();
    assertThat(cli.run("exec", m3, "deploy")).succeeds();
    assertEquals(
        "consumed",
        cli.run("approvals", "show", again).json().path("approval").path("status").asText());
    assertThat(cli.run("exec", m3, "deploy")).fails(77, "approval_required");
  }

  @Test
  void deletingAUseFromTheConsumptionsTableGivesNoUseBack() throws Exception {
    String m3 =
        cli.manifest(
            "three.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\", \"max_uses\": 3}", "true"));
    cli.approveUnsigned(m3, "deploy", "--uses", "3");
    assertThat(cli.run("exec", m3, "deploy")).succeeds();
    assertThat(cli.run("exec", m3, "deploy")).succeeds();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + cli.db)) {
      c.createStatement().executeUpdate("DELETE FROM consumptions WHERE use = 2");
    }
    // The trail records two uses, the table one: the grant was edited, and is not used again.
    assertThat(cli.run("exec", m3, "deploy")).fails(77, "approval_tampered");
  }

  @Test
  void approvedTaskRunsOnceAndTheReplayIsRefused() {
    Cli.Result refused = cli.run("exec", manifest, "deploy");
    assertThat(refused).fails(77, "approval_required");
    assertTrue(refused.error().path("details").path("hint").asText().contains("agentcli approve"));

    Cli.Result approved =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "alice@example.com",
            "--signer",
            "none",
            "--reason",
            "ship it");
    assertThat(approved).succeeds();
    JsonNode grant = approved.json().path("approval");
    assertEquals("pending", grant.path("status").asText());
    assertEquals("alice@example.com", grant.path("approver").asText());
    assertEquals("ship it", grant.path("reason").asText());
    assertTrue(grant.path("unsigned_explicit").asBoolean());
    assertEquals("[\"hello\",\"world\"]", approved.json().path("approved").path("args").toString());
    assertTrue(approved.json().path("approved").path("program_path").asText().endsWith("/echo"));

    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    JsonNode out = ran.json();
    assertEquals("hello world\n", out.path("result").path("stdout").asText());
    assertEquals(0, out.path("result").path("exit_code").asInt());
    assertFalse(out.path("result").path("timed_out").asBoolean());
    assertEquals(grant.path("approval_id"), out.path("approval_used").path("approval_id"));
    assertEquals("consumed", out.path("approval_used").path("status").asText());
    assertEquals(out.path("execution_id"), out.path("approval_used").path("execution_id"));

    Cli.Result replay = cli.run("exec", manifest, "deploy");
    assertThat(replay).fails(77, "approval_required");
  }

  @Test
  void claimTakesTheOldestPendingGrantFirst() {
    String first = approve();
    cli.advance(Duration.ofSeconds(1));
    String second = approve();
    assertEquals(
        first,
        cli.run("claim", manifest, "deploy").json().path("approval").path("approval_id").asText());
    assertEquals(
        second,
        cli.run("claim", manifest, "deploy").json().path("approval").path("approval_id").asText());
    Cli.Result none = cli.run("claim", manifest, "deploy");
    assertThat(none).fails(77, "approval_required");
  }

  @Test
  void claimRecordsTheGivenExecutionId() {
    approve();
    Cli.Result r = cli.run("claim", manifest, "deploy", "--execution-id", "job-42");
    assertThat(r).succeeds();
    assertEquals("job-42", r.json().path("execution_id").asText());
    assertEquals("job-42", r.json().path("approval").path("execution_id").asText());
  }

  @Test
  void approvalIdPinsOneGrantAndNeverFallsBack() {
    String older = approve();
    cli.advance(Duration.ofSeconds(1));
    String newer = approve();
    Cli.Result pinned = cli.run("claim", manifest, "deploy", "--approval-id", newer);
    assertEquals(newer, pinned.json().path("approval").path("approval_id").asText());

    Cli.Result again = cli.run("claim", manifest, "deploy", "--approval-id", newer);
    assertThat(again).fails(77, "approval_required");
    assertEquals("it is consumed", again.error().path("details").path("why").asText());
    assertEquals(
        "pending",
        cli.run("approvals", "show", older).json().path("approval").path("status").asText());

    Cli.Result unknown = cli.run("exec", manifest, "deploy", "--approval-id", "0".repeat(32));
    assertThat(unknown).exits(77);
    assertEquals("no such grant", unknown.error().path("details").path("why").asText());
  }

  @Test
  void grantIsExpiredAtItsExpiryInstantAndNeverClaimed() {
    approve("--ttl-s", "60");
    cli.advance(Duration.ofSeconds(60));
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).fails(77, "approval_required");
    JsonNode list = cli.run("approvals", "list").json();
    assertEquals("expired", list.path("approvals").get(0).path("status").asText());
  }

  @Test
  void grantIsUsableUpToTheLastMillisecond() {
    approve("--ttl", "1m");
    cli.advance(Duration.ofMillis(59_999));
    assertEquals(0, cli.run("claim", manifest, "deploy").status());
  }

  @Test
  void lifetimeDefaultsToTimeoutSAndNeverExceedsIt() {
    String id = approve();
    JsonNode g = cli.run("approvals", "show", id).json().path("approval");
    assertEquals(
        Duration.ofSeconds(900),
        Duration.between(
            java.time.Instant.parse(g.path("granted_at").asText()),
            java.time.Instant.parse(g.path("expires_at").asText())));

    Cli.Result tooLong =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "a@example.com",
            "--signer",
            "none",
            "--ttl-s",
            "901");
    assertThat(tooLong).fails(65, "approval_ttl_too_long");
    assertEquals(
        "approval_ttl_too_long",
        cli.run(
                "approve",
                manifest,
                "deploy",
                "--by",
                "a@example.com",
                "--signer",
                "none",
                "--ttl",
                "16m")
            .code());
    assertEquals(
        "usage_error",
        cli.run(
                "approve",
                manifest,
                "deploy",
                "--by",
                "a@example.com",
                "--signer",
                "none",
                "--ttl-s",
                "0")
            .code());
    Cli.Result both =
        cli.run(
            "approve", manifest, "deploy", "--by", "a@example.com", "--ttl", "1m", "--ttl-s", "5");
    assertThat(both).fails(2, "usage_error");
    Cli.Result garbage =
        cli.run("approve", manifest, "deploy", "--by", "a@example.com", "--ttl", "soon");
    assertThat(garbage).exits(2);
  }

  @Test
  void approverOutsideTheScopeIsRefusedAndAudited() {
    Cli.Result r =
        cli.run("approve", manifest, "deploy", "--by", "mallory@evil.test", "--signer", "none");
    assertThat(r).fails(77, "approval_scope_mismatch");
    JsonNode events = cli.run("audit").json().path("events");
    JsonNode last = events.get(events.size() - 1);
    assertEquals("approval_denied", last.path("event_type").asText());
    assertEquals("approval_scope_mismatch", last.path("code").asText());
    assertEquals(0, cli.run("approvals", "list").json().path("count").asInt());
  }

  @Test
  void domainScopeIgnoresCase() {
    assertEquals(
        0,
        cli.run("approve", manifest, "deploy", "--by", "Bob@EXAMPLE.com", "--signer", "none")
            .status());
  }

  @Test
  void approverIsRequiredAndMustBeAPrincipal() {
    Cli.Result missing = cli.run("approve", manifest, "deploy", "--signer", "none");
    assertThat(missing).fails(2, "usage_error");
    assertEquals(
        "input_invalid",
        cli.run("approve", manifest, "deploy", "--by", "", "--signer", "none").code());
    assertEquals(
        "input_invalid",
        cli.run("approve", manifest, "deploy", "--by", "a b@example.com", "--signer", "none")
            .code());
  }

  @Test
  void signingWithoutAKeyFailsCleanlyAndWritesNothing() {
    Cli.Result r = cli.run("approve", manifest, "deploy", "--by", "alice@example.com");
    assertThat(r).fails(66, "signing_key_not_found");
    assertTrue(r.error().path("error").asText().contains("no SSH key"), r.toString());
    assertEquals(0, cli.run("approvals", "list").json().path("count").asInt());
    assertEquals(
        "usage_error",
        cli.run("approve", manifest, "deploy", "--by", "alice@example.com", "--signer", "gpg")
            .code());
    Cli.Result named =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "alice@example.com",
            "--signing-key",
            "/nonexistent/key");
    assertThat(named).fails(66, "signing_key_not_found").errContains("/nonexistent/key");
  }

  @Test
  void unsignedGrantIsNeverWrittenWhereTheTaskRequiresSignatures() {
    String strict = cli.manifest("strict.json", Cli.oneTask("{\"policy\": \"manual\"}", "true"));
    Cli.Result approve = cli.run("approve", strict, "deploy", "--by", "ops", "--signer", "none");
    assertThat(approve).fails(77, "approval_signature_invalid");
    assertTrue(approve.error().path("error").asText().contains("signed"), approve.toString());
    assertEquals(0, cli.run("approvals", "list").json().path("count").asInt());
    assertEquals(2, cli.run("exec", strict, "deploy", "--allow-unsigned").status());
  }

  @Test
  void autoRejectTaskNeverRunsAndCannotBeApproved() {
    String m =
        cli.manifest(
            "r.json",
            Cli.oneTask("{\"policy\": \"auto-reject\"}", "touch", home.resolve("ran").toString()));
    Cli.Result exec = cli.run("exec", m, "deploy");
    assertThat(exec).fails(77, "approval_auto_rejected");
    assertFalse(home.resolve("ran").toFile().exists());
    Cli.Result approve =
        cli.run("approve", m, "deploy", "--by", "alice@example.com", "--signer", "none");
    assertThat(approve).fails(77, "policy_forbids_approval");
    assertEquals("approval_auto_rejected", cli.run("claim", m, "deploy").code());
    JsonNode events = cli.run("audit").json().path("events");
    assertEquals(
        "approval_auto_rejected", events.get(1).path("code").asText(), "refusals are audited");
    assertEquals("policy_forbids_approval", events.get(2).path("code").asText());
  }

  @Test
  void taskWithoutManualPolicyRunsWithoutAGrantAndCannotBeApproved() {
    String m = cli.manifest("a.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    Cli.Result exec = cli.run("exec", m, "deploy");
    assertThat(exec).succeeds();
    assertTrue(exec.json().path("approval_used").isNull());
    assertEquals(
        "policy_forbids_approval",
        cli.run("approve", m, "deploy", "--by", "x", "--signer", "none").code());
    Cli.Result claim = cli.run("claim", m, "deploy");
    assertThat(claim).succeeds();
    assertFalse(claim.json().path("claimed").asBoolean());
  }

  @Test
  void requiredTrueWithoutPolicyMeansManual() {
    String m =
        cli.manifest(
            "q.json", Cli.oneTask("{\"required\": true, \"signature\": \"optional\"}", "true"));
    assertEquals("approval_required", cli.run("exec", m, "deploy").code());
  }

  @Test
  void execExitsWithTheTasksOwnStatus() {
    String m =
        cli.manifest(
            "f.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\"}",
                "sh",
                "-c",
                "echo oops >&2; exit 3"));
    assertEquals(0, cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none").status());
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).exits(3);
    assertFalse(r.json().path("ok").asBoolean());
    assertEquals(3, r.json().path("result").path("exit_code").asInt());
    assertEquals("oops\n", r.json().path("result").path("stderr").asText());
  }

  @Test
  void timedOutTaskExits124() {
    String m = cli.manifest("s.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "sleep", "30"));
    Cli.Result r = cli.run("exec", m, "deploy", "--timeout", "300");
    assertThat(r).exits(124);
    assertTrue(r.json().path("result").path("timed_out").asBoolean());
  }

  @Test
  void timeoutMayShortenButNotExtendTheBoundOne() {
    String m =
        cli.manifest(
            "t.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
                + " \"shell\": {\"program\": \"true\"}, \"runtime\": {\"timeout_ms\": 1000},"
                + " \"approval\": {\"policy\": \"auto-approve\"}}]}]}");
    assertEquals(0, cli.run("exec", m, "t", "--timeout", "500").status());
    assertEquals("input_invalid", cli.run("exec", m, "t", "--timeout", "5000").code());
  }

  @Test
  void missingProgramExits127AndBurnsNoGrant() {
    String m =
        cli.manifest(
            "p.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\"}",
                "no-such-program-agentcli"));
    Cli.Result approve = cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none");
    assertThat(approve).fails(127, "program_not_found");
    assertEquals(127, cli.run("exec", m, "deploy").status());
  }

  @Test
  void nonExecutableProgramExits126() throws Exception {
    java.nio.file.Files.writeString(home.resolve("script.sh"), "#!/bin/sh\necho hi\n");
    String m = cli.manifest("x.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "./script.sh"));
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).fails(126, "program_not_executable");
  }

  @Test
  void missingWorkingDirectoryIsReported() {
    String m =
        cli.manifest(
            "c.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
                + " \"shell\": {\"program\": \"true\", \"cwd\": \"no/such/dir\"},"
                + " \"approval\": {\"policy\": \"auto-approve\"}}]}]}");
    Cli.Result r = cli.run("exec", m, "t");
    assertThat(r).fails(66, "cwd_not_found");
  }

  @Test
  void changingWhatWouldRunInvalidatesTheGrantButEditingOtherThingsDoesNot() throws Exception {
    String approving =
        "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"release\", \"tasks\": ["
            + "{\"id\": \"deploy\", \"description\": \"%s\", \"shell\": {\"program\": \"echo\", \"args\": [\"%s\"],"
            + " \"env\": {\"STAGE\": \"%s\"}}, \"approval\": {\"policy\": \"manual\", \"signature\": \"optional\"}},"
            + "{\"id\": \"other\", \"shell\": {\"program\": \"%s\"}}]}]}";
    manifest = cli.manifest("d.json", String.format(approving, "v1", "prod", "blue", "true"));
    assertEquals(
        0, cli.run("approve", manifest, "deploy", "--by", "ops", "--signer", "none").status());
    cli.manifest("d.json", String.format(approving, "edited text", "prod", "blue", "false"));
    assertEquals(0, cli.run("exec", manifest, "deploy", "--dry-run").status());
    assertTrue(
        cli.run("exec", manifest, "deploy", "--dry-run").json().path("would_run").asBoolean());

    cli.manifest("d.json", String.format(approving, "v1", "staging", "blue", "true"));
    assertEquals("approval_required", cli.run("exec", manifest, "deploy").code());
    cli.manifest("d.json", String.format(approving, "v1", "prod", "green", "true"));
    assertEquals("approval_required", cli.run("exec", manifest, "deploy").code());
    cli.manifest("d.json", String.format(approving, "v1", "prod", "blue", "true"));
    // The caller's environment is not the task's (issue 27): another LANG or PATH binds the
    // same task; the home's task environment is part of what was approved.
    cli.env("LANG", "de_DE.UTF-8").env("PATH", "/opt/elsewhere/bin:" + System.getenv("PATH"));
    assertTrue(
        cli.run("exec", manifest, "deploy", "--dry-run").json().path("would_run").asBoolean());
    Path taskEnv = home.resolve("task_env.json");
    Files.writeString(taskEnv, "{\"PATH\": \"/usr/bin:/bin\", \"LANG\": \"de_DE.UTF-8\"}");
    assertEquals("approval_required", cli.run("exec", manifest, "deploy").code());
    Files.delete(taskEnv);
    assertEquals(0, cli.run("exec", manifest, "deploy").status());
  }

  @Test
  void dryRunShowsTheBindingAndChangesNothing() {
    Cli.Result empty = cli.run("exec", manifest, "deploy", "--dry-run");
    assertThat(empty).succeeds();
    assertFalse(empty.json().path("would_run").asBoolean());
    assertFalse(cli.db.toFile().exists(), "a dry run on an empty home creates no database");

    String id = approve();
    int events = cli.run("audit", "--limit", "1000").json().path("count").asInt();
    Cli.Result dry = cli.run("exec", manifest, "deploy", "--dry-run");
    assertThat(dry).succeeds();
    assertEquals(id, dry.json().path("would_use").path("approval_id").asText());
    assertTrue(dry.json().path("would_run").asBoolean());
    assertEquals(
        dry.json().path("command").path("task_hash"),
        cli.run("approvals", "show", id).json().path("approval").path("task_hash"));
    assertEquals(
        "pending",
        cli.run("approvals", "show", id).json().path("approval").path("status").asText());
    assertEquals(events, cli.run("audit", "--limit", "1000").json().path("count").asInt());
  }

  @Test
  void everyGateDecisionIsAudited() {
    cli.run("exec", manifest, "deploy");
    String id = approve();
    cli.run("exec", manifest, "deploy");
    JsonNode events = cli.run("audit").json().path("events");
    java.util.List<String> types = new java.util.ArrayList<>();
    events.forEach(
        e -> types.add(e.path("event_type").asText() + ":" + e.path("outcome").asText()));
    assertEquals(
        java.util.List.of(
            "audit_genesis:ok",
            "grant_claim:refused",
            "approval_granted:ok",
            "grant_claim:ok",
            "exec_started:ok",
            "exec_finished:ok"),
        types);
    JsonNode finished = events.get(5);
    assertEquals(id, finished.path("approval_id").asText());
    assertEquals(0, finished.path("details").path("exit_code").asInt());
    assertNotEquals("", finished.path("execution_id").asText());
    assertEquals(2, cli.run("audit", "--limit", "2").json().path("count").asInt());
    assertEquals("usage_error", cli.run("audit", "--limit", "-1").code());
  }

  @Test
  void textFormatIsForPeople() {
    Cli.Result approved =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "alice@example.com",
            "--signer",
            "none",
            "--format",
            "text");
    assertTrue(approved.out().startsWith("Approved one run of release/deploy:"), approved.out());
    assertTrue(approved.out().contains("hello world"));
    Cli.Result ran = cli.run("exec", manifest, "deploy", "--format", "text");
    assertEquals("hello world\n", ran.out());
    Cli.Result refused = cli.run("exec", manifest, "deploy", "--format", "text");
    assertTrue(
        refused
            .err()
            .startsWith("agentcli: task release/deploy needs a new approval: its latest grant"),
        refused.err());
    assertTrue(refused.err().contains("[approval_required]"));
  }
}
