package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approval_required says why, and what would approve the task as it is now. */
class RefusalTest {
  @TempDir Path home;
  Cli cli;
  String manifest;

  static String manifest(
      String program, String args, String cwd, String env, String runtime, String approval) {
    return "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
        + " \"shell\": {\"program\": \""
        + program
        + "\", \"args\": ["
        + args
        + "], \"cwd\": \""
        + cwd
        + "\","
        + " \"env\": {"
        + env
        + "}}, "
        + runtime
        + " \"approval\": {\"policy\": \"manual\", \"signature\": \"optional\""
        + approval
        + "}}]}]}";
  }

  static final String ARGS = "\"a\", \"b\"";
  static final String ENV = "\"TOKEN\": \"s3cret-token\", \"STAGE\": \"prod\"";
  static final String RUNTIME = "\"runtime\": {\"timeout_ms\": 5000},";

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    Files.createDirectories(home.resolve("sub"));
    manifest = cli.manifest("m.json", manifest("echo", ARGS, ".", ENV, RUNTIME, ""));
  }

  void approve() {
    assertEquals(0, cli.run("approve", manifest, "t", "--by", "ops", "--signer", "none").status());
  }

  JsonNode refusal() {
    Cli.Result r = cli.run("exec", manifest, "t");
    assertThat(r).fails(77, "approval_required");
    assertTrue(
        r.error()
            .path("details")
            .path("hint")
            .asText()
            .startsWith("approve it with: agentcli approve "));
    assertFalse(r.err().contains("s3cret-token"), "no secret value in a refusal");
    return r.error();
  }

  @Test
  void neverApprovedSaysSo() {
    assertTrue(
        refusal().path("details").path("why").asText().contains("no grant was ever approved"));
  }

  @Test
  void consumedGrantIsNamedWithItsExecution() {
    approve();
    String execution = cli.run("exec", manifest, "t").json().path("execution_id").asText();
    JsonNode e = refusal();
    assertTrue(e.path("details").path("why").asText().contains("consumed"), e.toString());
    assertTrue(e.path("details").path("why").asText().contains(execution), e.toString());
    assertEquals("consumed", e.path("details").path("nearest").get(0).path("status").asText());
  }

  @Test
  void revokedGrantIsNamedWithWhoRevokedIt() {
    approve();
    String id =
        cli.run("approvals", "list").json().path("approvals").get(0).path("approval_id").asText();
    cli.run("approvals", "revoke", id, "--by", "secops");
    String why = refusal().path("details").path("why").asText();
    assertTrue(why.contains("revoked") && why.contains("secops"), why);
  }

  @Test
  void expiredGrantIsNamedWithWhen() {
    approve();
    cli.advance(Duration.ofHours(2));
    String why = refusal().path("details").path("why").asText();
    assertTrue(why.contains("expired, at 2026-11-26T13:00:00.000Z"), why);
  }

  @Test
  void eachKindOfDriftIsNamed() {
    String[][] cases = {
      {manifest("printf", ARGS, ".", ENV, RUNTIME, ""), "program \"echo\" -> \"printf\""},
      {manifest("echo", "\"a\", \"c\"", ".", ENV, RUNTIME, ""), "argument 2 changed"},
      {manifest("echo", "\"a\"", ".", ENV, RUNTIME, ""), "argument count 2 -> 1"},
      {manifest("echo", ARGS, "sub", ENV, RUNTIME, ""), "cwd"},
      {
        manifest("echo", ARGS, ".", "\"TOKEN\": \"other-token\", \"STAGE\": \"prod\"", RUNTIME, ""),
        "env TOKEN changed"
      },
      {manifest("echo", ARGS, ".", ENV + ", \"NEW\": \"x\"", RUNTIME, ""), "env NEW added"},
      {manifest("echo", ARGS, ".", "\"STAGE\": \"prod\"", RUNTIME, ""), "env TOKEN removed"},
      {
        manifest("echo", ARGS, ".", ENV, "\"runtime\": {\"timeout_ms\": 6000},", ""),
        "timeout_ms 5000 -> 6000"
      },
      {
        manifest("echo", ARGS, ".", ENV, RUNTIME, ", \"timeout_s\": 60"),
        "approval.timeout_s 3600 -> 60"
      },
    };
    approve();
    List<String> missed = new ArrayList<>();
    for (String[] c : cases) {
      cli.manifest("m.json", c[0]);
      String why = refusal().path("details").path("why").asText();
      if (!why.contains("the task changed since it was last approved") || !why.contains(c[1])) {
        missed.add(c[1] + " not in: " + why);
      }
    }
    assertEquals(List.of(), missed);
  }

  @Test
  void pinnedGrantThatDriftedSaysWhatChanged() {
    approve();
    String id =
        cli.run("approvals", "list").json().path("approvals").get(0).path("approval_id").asText();
    cli.manifest("m.json", manifest("echo", "\"a\", \"z\"", ".", ENV, RUNTIME, ""));
    Cli.Result r = cli.run("exec", manifest, "t", "--approval-id", id);
    assertTrue(
        r.error().path("details").path("why").asText().contains("argument 2 changed"),
        r.toString());
  }
}
