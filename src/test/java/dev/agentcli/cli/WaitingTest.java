package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentcli.Cli;
import dev.agentcli.TestClock;
import dev.agentcli.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent waiting for a person, in process: time passes on the test's clock (each pause of the
 * waiting agent moves it), so deadline and expiry cases take milliseconds, not the seconds they
 * stand for. (RequestIT keeps the real-time, separate-process cases on both stores.)
 */
@Timeout(60) // a waiting agent whose time stood still would loop: fail instead of hanging
class WaitingTest {
  @TempDir Path home;
  @TempDir Path keys;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
  }

  String manifest(String approval) {
    return cli.manifest("m.json", Cli.oneTask(approval, "echo", "ran"));
  }

  long count(String eventType) {
    return cli.count("SELECT count(*) FROM audit_events WHERE event_type = '" + eventType + "'");
  }

  @Test
  void theAgentsOwnDeadlineEndsTheWaitUndecidedAndTheRequestStaysPending() {
    String m = manifest("{\"policy\": \"manual\"}");
    assertThat(cli.run("exec", m, "deploy", "--wait", "90s")).fails(75, "approval_timed_out");
    Duration waited = Duration.between(TestClock.T0, cli.now());
    assertTrue(
        waited.compareTo(Duration.ofSeconds(90)) >= 0
            && waited.compareTo(Duration.ofSeconds(91)) < 0,
        "waited " + waited);
    assertEquals(
        1, cli.run("requests", "list", "--status", "pending").json().path("requests").size());
    assertEquals(0, count("exec_started"));
  }

  @Test
  void anUndecidedRequestExpiresAtItsDeadlineAsADenialAndTheExpiryIsRecorded() {
    String m = manifest("{\"policy\": \"manual\", \"request_timeout_s\": 60}");
    assertThat(cli.run("exec", m, "deploy", "--wait", "10m")).fails(77, "request_expired");
    Duration waited = Duration.between(TestClock.T0, cli.now());
    assertTrue(
        waited.compareTo(Duration.ofSeconds(60)) >= 0
            && waited.compareTo(Duration.ofSeconds(61)) < 0,
        "the request's deadline ended the wait, not the agent's: " + waited);
    assertEquals(1, count("request_expired"));
    assertEquals(0, count("exec_started"));
  }

  @Test
  void peopleAreRemindedOnceThatTheDeadlineIsNear() throws Exception {
    Path got = home.resolve("reminders.jsonl");
    Files.writeString(
        home.resolve("notify.json"),
        "[{\"command\": [\"/bin/sh\", \"-c\", \"cat >> "
            + got
            + "; echo >> "
            + got
            + "\"], \"events\": [\"request_expiring\"]}]");
    String m = manifest("{\"policy\": \"manual\", \"request_timeout_s\": 60}");
    assertThat(cli.run("exec", m, "deploy", "--wait", "10m")).fails(77, "request_expired");
    List<String> sent = Files.readAllLines(got).stream().filter(l -> !l.isBlank()).toList();
    assertEquals(1, sent.size(), "one reminder: " + sent);
    JsonNode reminder = new ObjectMapper().readTree(sent.get(0));
    assertEquals("request_expiring", reminder.path("event_type").asText());
    assertEquals(
        cli.run("requests", "list").json().path("requests").get(0).path("request_id").asText(),
        reminder.path("request").path("request_id").asText());
  }

  @Test
  void aDenialMadeWhileTheAgentWaitsRefusesItWithWhoAndWhy() throws Exception {
    Path bob = TestFiles.ed25519(keys, "bob");
    assertThat(cli.run("signers", "add", "bob@example.com", bob + ".pub")).succeeds();
    String m = manifest("{\"policy\": \"manual\"}");
    boolean[] denied = {false};
    cli.whilePaused(
        t -> {
          if (!denied[0] && Duration.between(TestClock.T0, t).toSeconds() >= 30) {
            denied[0] = true;
            String id;
            try {
              id = cli.onlyPendingRequest();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            assertThat(cli.deny(id, "bob@example.com", "not on a Friday", bob)).succeeds();
          }
        });
    assertThat(cli.run("exec", m, "deploy", "--wait", "10m"))
        .fails(77, "approval_denied")
        .errContains("bob@example.com")
        .errContains("not on a Friday");
    assertTrue(denied[0]);
    assertEquals(0, count("exec_started"));
  }

  /** Issue 27, finding 3: a retry after a denial filed a new request, and the agent never heard. */
  @Test
  void aDenialSticksForTheSameRequesterWhileItsRequestRuns() throws Exception {
    Path bob = TestFiles.ed25519(keys, "bob");
    assertThat(cli.run("signers", "add", "bob@example.com", bob + ".pub")).succeeds();
    String m = manifest("{\"policy\": \"manual\", \"request_timeout_s\": 3600}");
    assertThat(cli.run("exec", m, "deploy", "--wait", "90s")).fails(75, "approval_timed_out");
    String id = cli.onlyPendingRequest();
    assertThat(cli.deny(id, "bob@example.com", "not on a Friday", bob)).succeeds();

    // The same agent asks again, as the timeout's message told it to: it hears the denial.
    assertThat(cli.run("exec", m, "deploy", "--wait", "90s"))
        .fails(77, "approval_denied")
        .errContains(id)
        .errContains("not on a Friday");
    assertEquals(1, cli.count("SELECT count(*) FROM requests"), "nobody was asked again");

    // Another requester asks afresh; so does the same one once the denied request has run out.
    assertThat(cli.run("exec", m, "deploy", "--wait", "1s", "--requester", "agent-2"))
        .fails(75, "approval_timed_out");
    assertEquals(2, cli.count("SELECT count(*) FROM requests"));
    cli.advance(Duration.ofHours(1));
    assertThat(cli.run("exec", m, "deploy", "--wait", "1s")).fails(75, "approval_timed_out");
    assertEquals(3, cli.count("SELECT count(*) FROM requests"));
    assertEquals(0, count("exec_started"));
  }

  /** Issue 27: an ad-hoc request was listed as run/cmd-<hex>, not as the command it asks for. */
  @Test
  void aRequestForACommandNoManifestDeclaresIsListedByTheCommand() throws Exception {
    java.nio.file.Files.writeString(
        home.resolve("rules.json"),
        "{\"rules\": [{\"match\": \"git push *\", \"decision\": \"ask\"}]}");
    assertThat(cli.run("run", "--wait", "1s", "--", "git", "push", "origin", "main"))
        .fails(75, "approval_timed_out");
    assertThat(cli.run("run", "--wait", "1s", "--shell", "git push origin 'a b'"))
        .fails(75, "approval_timed_out");
    String listed = cli.run("requests", "list", "--format", "text").out();
    assertTrue(listed.contains("git push origin main"), listed);
    assertTrue(listed.contains("git push origin 'a b'"), listed);
    assertTrue(!listed.contains("run/cmd-"), listed);
  }

  /** Issue 27: the waiting agent was not told of a quorum's progress ("1 of 2"). */
  @Test
  void theWaitingAgentIsToldOfEachApprovalOfAQuorum() throws Exception {
    Path alice = TestFiles.ed25519(keys, "alice");
    Path bob = TestFiles.ed25519(keys, "bob");
    assertThat(cli.run("signers", "add", "alice@example.com", alice + ".pub")).succeeds();
    assertThat(cli.run("signers", "add", "bob@example.com", bob + ".pub")).succeeds();
    String m = manifest("{\"policy\": \"manual\", \"quorum\": 2}");
    int[] approvals = {0};
    cli.whilePaused(
        t -> {
          long s = Duration.between(TestClock.T0, t).toSeconds();
          if (approvals[0] < 2 && s >= 30 * (approvals[0] + 1)) {
            String[] who =
                approvals[0] == 0
                    ? new String[] {"alice", alice + ""}
                    : new String[] {"bob", bob + ""};
            approvals[0]++;
            try {
              assertThat(
                      cli.run(
                          "approve",
                          cli.onlyPendingRequest(),
                          "--by",
                          who[0] + "@example.com",
                          "--signing-key",
                          who[1]))
                  .succeeds();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
        });
    Cli.Result ran = cli.run("exec", m, "deploy", "--wait", "10m", "--format", "text");
    assertThat(ran).exits(0);
    assertTrue(ran.err().contains("1 of 2 approvals (alice@example.com) so far"), ran.err());
    assertEquals(1, count("exec_started"));
  }
}
