package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import dev.agentcli.codec.Timestamps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent asks, a person decides: requests filed, joined, shown and approved in-process (grants
 * unsigned by choice here; signed decisions, waiting and races are RequestIT's).
 */
class RequestTest {
  static final String OPTIONAL =
      "{\"policy\": \"manual\", \"signature\": \"optional\", \"request_timeout_s\": 600}";

  @TempDir Path home;
  Cli cli;
  String manifest;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    manifest = cli.manifest("m.json", Cli.oneTask(OPTIONAL, "echo", "hello world", "it's"));
  }

  String request(String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "request";
    args[1] = manifest;
    args[2] = "deploy";
    System.arraycopy(extra, 0, args, 3, extra.length);
    Cli.Result r = cli.run(args);
    assertThat(r).succeeds();
    return r.json().path("request_id").asText();
  }

  @Test
  void anAgentAsksAPersonApprovesTheRequestsOwnBindingAndTheAgentRuns() {
    String id = request("--reason", "ship 1.2", "--requester", "agent-7");
    JsonNode shown = cli.run("requests", "show", id).json().path("request");
    assertEquals("pending", shown.path("status").asText());
    assertEquals("agent-7", shown.path("requester").path("principal").asText());
    assertEquals("ship 1.2", shown.path("reason").asText());
    assertEquals("hello world", shown.path("command").path("args").get(0).asText());
    assertTrue(shown.path("command").path("program_sha256").asText().startsWith("sha256:"));

    // The person's shell differs from the agent's: the request's binding is what gets approved.
    cli.env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", "/home/person")
        .env("LANG", "de_DE.UTF-8");
    Cli.Result approved = cli.run("approve", id, "--by", "alice", "--signer", "none");
    assertThat(approved).succeeds();
    assertEquals(
        id, approved.json().path("approval").path("request_id").asText(), "the grant names it");
    cli.env("PATH", System.getenv("PATH")).env("HOME", home.toString()).env("LANG", "C.UTF-8");

    assertEquals(
        "approved", cli.run("requests", "show", id).json().path("request").path("status").asText());
    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    assertEquals("hello world it's\n", ran.json().path("result").path("stdout").asText());
    assertThat(cli.run("exec", manifest, "deploy")).fails(77, "approval_required");
  }

  @Test
  void askingAgainForTheSameBindingJoinsThePendingRequestAndAPrefixNamesIt() {
    String first = request();
    Cli.Result again = cli.run("request", manifest, "deploy");
    assertThat(again).succeeds();
    assertEquals(first, again.json().path("request_id").asText());
    assertTrue(again.json().path("joined").asBoolean());
    assertEquals(
        first,
        cli.run("requests", "show", first.substring(0, 8))
            .json()
            .path("request")
            .path("request_id")
            .asText());
    assertThat(cli.run("requests", "show", "zz")).fails(65, "input_invalid");
    assertThat(cli.run("requests", "show", "0000")).exits(65);
  }

  @Test
  void whoAsksMayNotApprove() {
    String id = request("--requester", "alice");
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none"))
        .fails(77, "self_approval_refused");
    cli.env("AGENTCLI_REQUESTER", "bot-1");
    String other = request2();
    assertThat(cli.run("approve", other, "--by", "bot-1", "--signer", "none"))
        .fails(77, "self_approval_refused");
  }

  /** A second binding (another argument), so that its request is a new one. */
  String request2() {
    String m2 = cli.manifest("m2.json", Cli.oneTask(OPTIONAL, "echo", "two"));
    Cli.Result r = cli.run("request", m2, "deploy");
    assertThat(r).succeeds();
    return r.json().path("request_id").asText();
  }

  @Test
  void anUndecidedRequestExpiresAndCannotBeApprovedAfterwards() {
    String id = request();
    cli.advance(Duration.ofSeconds(601));
    assertEquals(
        "expired", cli.run("requests", "show", id).json().path("request").path("status").asText());
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none"))
        .fails(65, "request_not_pending");
    assertEquals(
        1, cli.run("requests", "list", "--status", "expired").json().path("count").asInt());
    assertFalse(
        cli.run("request", manifest, "deploy").json().path("joined").asBoolean(),
        "an expired request is not joined: asking again files a new one");
  }

  @Test
  void aRequestWhoseShownCommandWasEditedCannotBeApproved() throws Exception {
    String id = request();
    // What a person reads is rewritten to look harmless; the binding still says what will run.
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + cli.db)) {
      c.createStatement()
          .executeUpdate(
              "UPDATE requests SET command = json_set(command, '$.args[0]', 'harmless')");
    }
    assertEquals(
        "args", cli.run("requests", "show", id).json().path("request").path("edited").asText());
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none"))
        .fails(77, "approval_tampered");
    assertEquals(
        "pending", cli.run("requests", "show", id).json().path("request").path("status").asText());
  }

  @Test
  void aValueTheManifestMarksSecretIsShownOnlyAsItsDigestAndStillBound() {
    String m =
        cli.manifest(
            "s.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"release\", \"tasks\": [{\"id\":"
                + " \"deploy\", \"shell\": {\"program\": \"sh\", \"args\": [\"-c\", \"test"
                + " -n \\\"$TOKEN\\\"\"], \"env\": {\"TOKEN\": \"hunter2\", \"MODE\": \"prod\"},"
                + " \"secret_env\": [\"TOKEN\"]}, \"approval\": "
                + OPTIONAL
                + "}]}]}");
    Cli.Result filed = cli.run("request", m, "deploy");
    assertThat(filed).succeeds();
    String id = filed.json().path("request_id").asText();
    Cli.Result shown = cli.run("requests", "show", id, "--format", "text");
    assertFalse(shown.out().contains("hunter2"), shown.out());
    assertTrue(shown.out().contains("TOKEN=secret:sha256:"), shown.out());
    assertTrue(shown.out().contains("MODE=prod"), shown.out());
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none")).succeeds();
    assertThat(cli.run("exec", m, "deploy")).succeeds();
  }

  @Test
  void whoAskedMayWithdrawTheRequestAndNobodyElse() {
    String id = request("--requester", "agent-7");
    assertThat(cli.run("requests", "cancel", id, "--requester", "agent-8"))
        .fails(65, "input_invalid");
    assertThat(cli.run("requests", "cancel", id, "--requester", "agent-7")).succeeds();
    assertEquals(
        "cancelled",
        cli.run("requests", "show", id).json().path("request").path("status").asText());
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none"))
        .fails(65, "request_not_pending");
    assertFalse(
        cli.run("request", manifest, "deploy").json().path("joined").asBoolean(),
        "a withdrawn request is not joined");
  }

  @Test
  void aTaskThatNeedsNoApprovalIsNotRequested() {
    String m = cli.manifest("auto.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    assertThat(cli.run("request", m, "deploy")).fails(77, "policy_forbids_approval");
  }

  @Test
  void theAuditTellsTheStoryFromRequestToRun() {
    String id = request("--requester", "agent-7");
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none")).succeeds();
    assertThat(cli.run("exec", manifest, "deploy")).succeeds();
    JsonNode events = cli.run("audit", "--limit", "0").json().path("events");
    StringBuilder story = new StringBuilder();
    for (JsonNode e : events) {
      story.append(e.path("event_type").asText()).append(' ');
    }
    assertTrue(
        story
            .toString()
            .contains("approval_requested approval_granted grant_claim exec_started exec_finished"),
        story.toString());
    assertThat(cli.run("audit", "verify")).succeeds();
  }

  /**
   * A request's deadline is one instant for every reader: the state a person sees ({@code requests
   * show}, computed in Java) and whether an agent asking again joins it (the store's SQL) agree one
   * millisecond before it and at it.
   */
  @Test
  void aRequestIsPendingUntilItsDeadlineAndExpiredAtItForEveryReader() {
    Instant asked = cli.now();
    String id = request();
    Instant deadline = asked.plusSeconds(600);
    assertEquals(
        Timestamps.format(deadline),
        cli.run("requests", "show", id).json().path("request").path("expires_at").asText());

    cli.at(deadline.minusMillis(1));
    assertEquals(
        "pending", cli.run("requests", "show", id).json().path("request").path("status").asText());
    assertEquals(id, request(), "asked again before the deadline: joined");

    cli.at(deadline);
    assertEquals(
        "expired", cli.run("requests", "show", id).json().path("request").path("status").asText());
    assertNotEquals(id, request(), "asked again at the deadline: a new request");
  }
}
