package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash-chained audit trail, tampered with through the store's plain shell (sqlite3, psql). */
class AuditTrailIT {
  @TempDir Path home;
  Cli cli;
  String manifest;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    manifest =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    for (int i = 0; i < 3; i++) {
      assertEquals(
          0, cli.run("approve", manifest, "deploy", "--by", "ops", "--signer", "none").status());
      assertEquals(0, cli.run("exec", manifest, "deploy").status());
    }
    cli.run("exec", manifest, "deploy"); // refused
  }

  /** An edit in the store's plain shell (sqlite3, or psql on the PostgreSQL run). */
  void sqlite(String sql) throws Exception {
    TestStore.of(home).shell(sql);
  }

  Cli.Result verify(String... more) {
    String[] args = new String[2 + more.length];
    args[0] = "audit";
    args[1] = "verify";
    System.arraycopy(more, 0, args, 2, more.length);
    return cli.run(args);
  }

  @Test
  void cleanTrailVerifiesAndEveryEventIsChained() {
    Cli.Result r = verify();
    assertThat(r).succeeds();
    assertEquals(14, r.json().path("events").asInt(), "the genesis and 13 events");
    assertEquals(0, r.json().path("unchained").asInt());
    assertEquals(cli.run("audit", "head").json().path("head"), r.json().path("head"));
    JsonNode events = cli.run("audit", "--limit", "0").json().path("events");
    assertEquals("audit_genesis", events.get(0).path("event_type").asText());
    assertEquals("sha256:" + "0".repeat(64), events.get(0).path("prev_hash").asText());
    for (int i = 1; i < events.size(); i++) {
      assertEquals(events.get(i - 1).path("event_hash"), events.get(i).path("prev_hash"));
    }
  }

  @Test
  void editedEventIsNamed() throws Exception {
    sqlite("UPDATE audit_events SET actor = 'mallory' WHERE id = 5");
    Cli.Result r = verify();
    assertThat(r).fails(65, "audit_chain_broken");
    assertEquals(5, r.error().path("details").path("broken_at").asInt());
    assertTrue(r.error().path("error").asText().contains("event 5"));
  }

  @Test
  void deletedEventIsNamed() throws Exception {
    sqlite("DELETE FROM audit_events WHERE id = 7");
    Cli.Result r = verify();
    assertThat(r).hasCode("audit_chain_broken");
    assertEquals(8, r.error().path("details").path("broken_at").asInt());
    assertTrue(r.error().path("error").asText().contains("missing"), r.toString());
  }

  @Test
  void reorderedEventsAreNamed() throws Exception {
    sqlite(
        "UPDATE audit_events SET id = -3 WHERE id = 3; UPDATE audit_events SET id = 3 WHERE id = 4;"
            + " UPDATE audit_events SET id = 4 WHERE id = -3;");
    Cli.Result r = verify();
    assertThat(r).hasCode("audit_chain_broken");
    assertEquals(3, r.error().path("details").path("broken_at").asInt());
  }

  @Test
  void deletedTailIsCaughtAgainstARecordedHead() throws Exception {
    String head = cli.run("audit", "head").json().path("head").asText();
    assertEquals(0, verify("--expect-head", head).status());
    sqlite("DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)");
    assertEquals(
        0, verify().status(), "without the anchor a deleted tail looks like a shorter trail");
    Cli.Result r = verify("--expect-head", head);
    assertThat(r).hasCode("audit_chain_broken");
  }

  @Test
  void exportStreamsEveryEventAsOneJsonLine() {
    Cli.Result r = cli.run("audit", "export");
    assertThat(r).succeeds();
    List<String> lines = r.out().lines().toList();
    assertEquals(14, lines.size());
    assertTrue(lines.get(0).startsWith("{\"id\":1,"), lines.get(0));
  }

  @Test
  void showTellsTheStoryOfOneExecution() throws Exception {
    assertEquals(
        0, cli.run("approve", manifest, "deploy", "--by", "ops", "--signer", "none").status());
    String ran = cli.run("exec", manifest, "deploy").json().path("execution_id").asText();
    Cli.Result finished = cli.run("audit", "show", ran);
    assertEquals("finished", finished.json().path("state").asText(), finished.toString());
    assertEquals(
        List.of("grant_claim", "exec_started", "exec_finished"),
        eventTypes(finished.json().path("events")));

    String refused =
        cli.run("audit", "--limit", "0")
            .json()
            .path("events")
            .get(13)
            .path("execution_id")
            .asText();
    assertEquals("refused", cli.run("audit", "show", refused).json().path("state").asText());

    // A crash after the claim: the finish never comes.
    sqlite(
        "DELETE FROM audit_events WHERE execution_id = '"
            + ran
            + "' AND event_type = 'exec_finished'");
    assertEquals(
        "started, never finished", cli.run("audit", "show", ran).json().path("state").asText());
    assertEquals("input_invalid", cli.run("audit", "show", "nope").code());
  }

  @Test
  void listFiltersByExecutionApprovalTaskAndTime() {
    JsonNode all = cli.run("audit", "--limit", "0").json().path("events");
    String execution = all.get(4).path("execution_id").asText();
    assertEquals(
        3, cli.run("audit", "list", "--execution", execution).json().path("count").asInt());
    String approval = all.get(1).path("approval_id").asText();
    assertEquals(
        4,
        cli.run("audit", "list", "--approval", approval, "--limit", "0")
            .json()
            .path("count")
            .asInt());
    assertEquals(0, cli.run("audit", "list", "--task", "other").json().path("count").asInt());
    assertEquals(
        14, cli.run("audit", "list", "--since", "1h", "--limit", "0").json().path("count").asInt());
    assertEquals(
        0,
        cli.run("audit", "list", "--since", "2099-01-01T00:00:00Z").json().path("count").asInt());
    assertEquals("usage_error", cli.run("audit", "list", "--since", "yesterday").code());
  }

  @Test
  void consumedGrantSetBackToPendingInTheDatabaseIsNotUsedAgain() throws Exception {
    assertEquals(
        0, cli.run("approve", manifest, "deploy", "--by", "ops", "--signer", "none").status());
    String used =
        cli.run("exec", manifest, "deploy")
            .json()
            .path("approval_used")
            .path("approval_id")
            .asText();
    sqlite(
        "DELETE FROM consumptions WHERE approval_id = '"
            + used
            + "';"
            + " UPDATE grants SET consumed_at = NULL WHERE approval_id = '"
            + used
            + "'");
    assertEquals(
        "pending",
        cli.run("approvals", "show", used).json().path("approval").path("status").asText());
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).fails(77, "approval_tampered");
    assertEquals(used, r.error().path("details").path("replayed").get(0).asText());
    JsonNode events = cli.run("audit", "--limit", "2").json().path("events");
    assertEquals("grant_replay_refused", events.get(0).path("event_type").asText());
  }

  /**
   * Issue 24, finding 1: a used grant and a revoked one, their traces erased once more than a
   * thousand events (and a later claim's anchor) lie after them, are still decided: the claim
   * verifies the trail from the last anchor taken before a grant was approved, whatever its age.
   */
  @Test
  void aUsedAndARevokedGrantStayDecidedWhateverTheirAge(@TempDir Path keys) throws Exception {
    Path key = TestFiles.ed25519(keys, "alice");
    assertEquals(0, cli.run("signers", "add", "alice@example.com", key + ".pub").status());
    Path ran = home.resolve("ran");
    String signed =
        cli.manifest(
            "signed.json",
            TestManifest.task("release")
                .runs("sh", "-c", "echo run >> " + ran)
                .approval("{\"policy\": \"manual\"}")
                .json());
    String a = cli.approveSigned(signed, "release", "alice@example.com", key);
    assertThat(cli.run("exec", signed, "release", "--approval-id", a)).succeeds();
    cli.advance(Duration.ofMinutes(10));
    String b = cli.approveSigned(signed, "release", "alice@example.com", key);
    assertThat(cli.run("approvals", "revoke", b, "--by", "alice@example.com")).succeeds();
    cli.advance(Duration.ofMinutes(10));
    TestStore.of(home).appendHistory(1_100, cli.now());
    cli.advance(Duration.ofMinutes(10));
    String c = cli.approveSigned(signed, "release", "alice@example.com", key);
    assertThat(cli.run("exec", signed, "release", "--approval-id", c)).succeeds();
    assertEquals(2, Files.readAllLines(ran).size());

    // A writer of the store (not of the anchors file) erases A's use and B's revocation.
    sqlite(
        ("DELETE FROM audit_events WHERE approval_id = '{A}' OR execution_id IN (SELECT"
                + " execution_id FROM consumptions WHERE approval_id = '{A}');"
                + " UPDATE grants SET consumed_at = NULL WHERE approval_id = '{A}';"
                + " DELETE FROM consumptions WHERE approval_id = '{A}';"
                + " DELETE FROM audit_events WHERE approval_id = '{B}' AND event_type ="
                + " 'grant_revoked'; UPDATE grants SET revoked_at = NULL WHERE approval_id ="
                + " '{B}'; DELETE FROM revocations WHERE approval_id = '{B}';")
            .replace("{A}", a)
            .replace("{B}", b));
    for (String erased : List.of(a, b)) {
      Cli.Result r = cli.run("exec", signed, "release", "--approval-id", erased);
      assertThat(r).fails(77, "approval_tampered");
    }
    assertEquals(2, Files.readAllLines(ran).size(), "neither A nor B ran again");
  }

  static List<String> eventTypes(JsonNode events) {
    List<String> types = new java.util.ArrayList<>();
    events.forEach(e -> types.add(e.path("event_type").asText()));
    return types;
  }
}
