package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent asks and waits in a process of its own; people decide with signed decisions: the wait
 * ends on the decision, on the request's deadline or on the agent's, and never with a run that was
 * not approved.
 */
class RequestIT {
  @TempDir Path home;
  Cli cli;
  Path alice;
  Path bob;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    alice = keygen("alice");
    bob = keygen("bob");
    assertThat(cli.run("signers", "add", "alice@example.com", alice + ".pub")).succeeds();
    assertThat(cli.run("signers", "add", "bob@example.com", bob + ".pub")).succeeds();
  }

  Path keygen(String name) throws Exception {
    return TestFiles.ed25519(home, name + "_ed25519");
  }

  String manifest(String approval) {
    return cli.manifest("m.json", Cli.oneTask(approval, "echo", "approved run"));
  }

  /** Decisions are made now, on the real clock, as a person's would be. */
  Cli.Result decide(String... args) {
    return cli.at(Instant.now()).run(args);
  }

  JsonNode events() {
    return cli.run("audit", "--limit", "0").json().path("events");
  }

  static Instant at(JsonNode events, String type) {
    for (JsonNode e : events) {
      if (e.path("event_type").asText().equals(type)) {
        return Instant.parse(e.path("occurred_at").asText());
      }
    }
    throw new AssertionError("no " + type + " in " + events);
  }

  @Test
  void theWaitingAgentRunsSoonAfterASignedApproval() throws Exception {
    String m = manifest("{\"policy\": \"manual\"}");
    Process agent = Jvm.agentcli(home, "exec", m, "deploy", "--wait", "2m", "--reason", "ship");
    String id = cli.onlyPendingRequest();
    assertThat(
            decide("approve", id, "--by", "alice@example.com", "--signing-key", alice.toString()))
        .succeeds();
    Jvm.Done ran = Jvm.await(agent);
    assertThat(ran).succeeds();
    assertEquals("approved run\n", ran.asResult().json().path("result").path("stdout").asText());
    assertEquals(id, ran.asResult().json().path("request_id").asText());
    JsonNode events = events();
    long ms =
        Duration.between(at(events, "approval_granted"), at(events, "exec_started")).toMillis();
    // Under a second on an idle machine (a look every 200 ms); a generous bound on a loaded one
    // (where a JVM can wait seconds for a core), still far from the 2 minutes a missed wake-up
    // would take.
    assertTrue(ms < 30_000, "the run started " + ms + " ms after the approval");
  }

  @Test
  void aDenialRefusesTheWaitingAgentWithItsReason() throws Exception {
    String m = manifest("{\"policy\": \"manual\"}");
    Process agent = Jvm.agentcli(home, "exec", m, "deploy", "--wait", "2m");
    String id = cli.onlyPendingRequest();
    assertThat(
            decide(
                "deny",
                id,
                "--by",
                "bob@example.com",
                "--reason",
                "not on a Friday",
                "--signing-key",
                bob.toString()))
        .succeeds();
    Jvm.Done refused = Jvm.await(agent);
    assertThat(refused).fails(77, "approval_denied").errContains("not on a Friday");
    assertEquals(0, count("exec_started"), "nothing ran");
  }

  int count(String type) {
    int n = 0;
    for (JsonNode e : events()) {
      n += e.path("event_type").asText().equals(type) ? 1 : 0;
    }
    return n;
  }

  @Test
  void anUndecidedRequestExpiresAtItsDeadlineAsADenial() throws Exception {
    String m = manifest("{\"policy\": \"manual\", \"request_timeout_s\": 1}");
    Jvm.Done expired = Jvm.run(home, "exec", m, "deploy", "--wait", "1m");
    assertThat(expired).fails(77, "request_expired");
    assertEquals(0, count("exec_started"));
  }

  @Test
  void theAgentsOwnDeadlineEndsTheWaitWithoutARunAndTheRequestStaysPending() throws Exception {
    String m = manifest("{\"policy\": \"manual\"}");
    long start = System.nanoTime();
    Jvm.Done waited = Jvm.run(home, "exec", m, "deploy", "--wait", "2s");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(waited).fails(75, "approval_timed_out");
    assertTrue(ms >= 2000, "it waited " + ms + " ms");
    assertEquals(0, count("exec_started"));
    assertEquals(
        1, cli.run("requests", "list", "--status", "pending").json().path("count").asInt());
  }

  @Test
  void aDenialEditedOrWrittenByHandDoesNotCountAndIsNamed() throws Exception {
    String m = manifest("{\"policy\": \"manual\"}");
    Cli.Result filed = cli.at(Instant.now()).run("request", m, "deploy");
    String id = filed.json().path("request_id").asText();
    assertThat(
            decide(
                "deny",
                id,
                "--by",
                "bob@example.com",
                "--reason",
                "no",
                "--signing-key",
                bob.toString()))
        .succeeds();
    sqlite("UPDATE decisions SET reason = 'yes, go ahead' WHERE request_id = '" + id + "'");
    JsonNode shown = decide("requests", "show", id).json().path("request");
    assertEquals("pending", shown.path("status").asText(), "an edited denial does not count");
    assertTrue(
        shown
            .path("ignored_decisions")
            .get(0)
            .path("why")
            .asText()
            .contains("changed after signing"),
        shown.toString());

    sqlite(
        "INSERT INTO decisions (request_id, decider, decision, reason, decided_at) VALUES ('"
            + id
            + "', 'alice@example.com', 'deny', 'forged', '2026-12-01T00:00:00.000Z')");
    shown = decide("requests", "show", id).json().path("request");
    assertEquals("pending", shown.path("status").asText());
    assertEquals("it is not signed", shown.path("ignored_decisions").get(1).path("why").asText());
    // The person can still approve it, and the agent's next exec runs.
    assertThat(
            decide("approve", id, "--by", "alice@example.com", "--signing-key", alice.toString()))
        .succeeds();
    assertThat(cli.at(Instant.now()).run("exec", m, "deploy")).succeeds();
  }

  @Test
  void manyWaitingAgentsEachRunExactlyOnceWhenTheirRequestsAreApprovedInRandomOrder()
      throws Exception {
    int n = Scale.of(16, 50); // the fifty with -Dagentcli.test.full=true
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < n; i++) {
      tasks
          .append(i == 0 ? "" : ", ")
          .append("{\"id\": \"t")
          .append(i)
          .append("\", \"shell\": {\"program\": \"echo\", \"args\": [\"")
          .append(i)
          .append("\"]}, \"approval\": {\"policy\": \"manual\", \"signature\": \"optional\"}}");
    }
    String m =
        cli.manifest(
            "many.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"fleet\", \"tasks\": ["
                + tasks
                + "]}]}");
    List<Process> agents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Many processes starting at once on a small machine contend for the write lock for longer
      // than the default 5 s: they are willing to wait.
      agents.add(
          Jvm.agentcli(home, "exec", m, "t" + i, "--wait", "5m", "--lock-timeout-ms", "120000"));
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1200 && ids.size() < n; i++) {
      ids.clear();
      for (JsonNode r :
          cli.run("requests", "list", "--status", "pending", "--limit", "0")
              .json()
              .path("requests")) {
        ids.add(r.path("request_id").asText());
      }
      Thread.sleep(100);
    }
    if (ids.size() < n) {
      for (Process p : agents) {
        if (!p.isAlive()) {
          throw new AssertionError("an agent ended early: " + Jvm.await(p));
        }
      }
    }
    assertEquals(n, ids.size(), "every agent filed its request");
    Collections.shuffle(ids, new Random(7));
    for (String id : ids) {
      // The person's approvals contend with the agents' claims for the write lock, as patiently.
      assertThat(
              decide(
                  "approve",
                  id,
                  "--by",
                  "alice@example.com",
                  "--signer",
                  "none",
                  "--lock-timeout-ms",
                  "120000"))
          .succeeds();
    }
    for (int i = 0; i < n; i++) {
      Jvm.Done d = Jvm.await(agents.get(i));
      assertThat(d).succeeds();
      assertEquals(i + "\n", d.asResult().json().path("result").path("stdout").asText());
    }
    assertEquals(n, count("exec_started"), "each ran exactly once");
    assertEquals(
        n,
        cli.run("approvals", "list", "--status", "consumed", "--limit", "0")
            .json()
            .path("count")
            .asInt());
  }

  void sqlite(String sql) throws Exception {
    TestStore.of(cli.home).shell(sql);
  }
}
