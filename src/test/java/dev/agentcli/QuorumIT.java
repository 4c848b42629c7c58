package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separation of duties with real keys: a task with {@code quorum: 2} runs only once two distinct
 * people, with two distinct keys, have signed; one person twice, or two principals sharing one key,
 * is not two; a single denial vetoes.
 */
class QuorumIT {
  static final String QUORUM_2 = "{\"policy\": \"manual\", \"quorum\": 2}";

  @TempDir Path home;
  Cli cli;
  Path alice;
  Path bob;
  String m;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    alice = keygen("alice");
    bob = keygen("bob");
    trust("alice@example.com", alice);
    trust("bob@example.com", bob);
    trust("carol@example.com", alice); // carol's principal, alice's key
    m = cli.manifest("m.json", Cli.oneTask(QUORUM_2, "echo", "two people said yes"));
  }

  Path keygen(String name) throws Exception {
    return TestFiles.ed25519(home, name + "_ed25519");
  }

  void trust(String principal, Path key) {
    assertThat(cli.run("signers", "add", principal, key + ".pub")).succeeds();
  }

  /** alice's approval of the task ahead of time: the first of the two; the grant's id. */
  String approveAheadAsAlice() {
    Cli.Result first =
        cli.at(Instant.now())
            .run(
                "approve",
                m,
                "deploy",
                "--by",
                "alice@example.com",
                "--signing-key",
                alice.toString());
    assertThat(first).succeeds();
    return first.json().path("approval").path("approval_id").asText();
  }

  Cli.Result approve(String what, String by, Path key) {
    return cli.at(Instant.now()).run("approve", what, "--by", by, "--signing-key", key.toString());
  }

  @Test
  void aheadOfTimeTheGrantRunsOnlyOnceASecondPersonWithASecondKeyHasSigned() {
    String id = approveAheadAsAlice();
    assertThat(cli.run("exec", m, "deploy"))
        .fails(77, "approval_required")
        .errContains("1 of the 2 distinct approvals");

    assertThat(approve(id, "alice@example.com", alice)).fails(77, "quorum_not_distinct");
    assertThat(approve(id, "carol@example.com", alice))
        .fails(77, "quorum_not_distinct")
        .errContains("has already signed it");
    assertThat(cli.run("exec", m, "deploy")).fails(77, "approval_required");

    Cli.Result second = approve(id, "bob@example.com", bob);
    assertThat(second).succeeds();
    assertEquals(2, second.json().path("approvers").size());
    Cli.Result ran = cli.run("exec", m, "deploy");
    assertThat(ran).succeeds();
    assertEquals("two people said yes\n", ran.json().path("result").path("stdout").asText());
    assertThat(cli.run("exec", m, "deploy")).fails(77, "approval_required");
  }

  @Test
  void aQuorumCannotBeMetWithUnsignedGrants() {
    String optional = "{\"policy\": \"manual\", \"quorum\": 2, \"signature\": \"optional\"}";
    String m2 = cli.manifest("m2.json", Cli.oneTask(optional, "true"));
    assertThat(cli.run("approve", m2, "deploy", "--by", "alice@example.com", "--signer", "none"))
        .fails(77, "approval_signature_invalid")
        .errContains("distinct approvers");
  }

  @Test
  void aWaitingAgentRunsAfterTheSecondApprovalOfItsRequest() throws Exception {
    Process agent = Jvm.agentcli(home, "exec", m, "deploy", "--wait", "2m");
    String id = cli.onlyPendingRequest();
    assertThat(approve(id, "alice@example.com", alice)).succeeds();
    JsonNode shown = cli.at(Instant.now()).run("requests", "show", id).json().path("request");
    assertEquals("pending", shown.path("status").asText(), "one of two is not enough");
    assertEquals("alice@example.com", shown.path("approved_by").get(0).asText());
    assertThat(approve(id, "carol@example.com", alice)).fails(77, "quorum_not_distinct");
    String requester = shown.path("requester").path("principal").asText();
    assertThat(approve(shown.path("approval_id").asText(), requester, bob))
        .fails(77, "self_approval_refused");
    assertThat(approve(id, "bob@example.com", bob)).succeeds();
    Jvm.Done ran = Jvm.await(agent);
    assertThat(ran).succeeds();
    assertEquals(
        "two people said yes\n", ran.asResult().json().path("result").path("stdout").asText());
  }

  @Test
  void aSingleDenialVetoesARequestHalfApproved() throws Exception {
    Process agent = Jvm.agentcli(home, "exec", m, "deploy", "--wait", "2m");
    String id = cli.onlyPendingRequest();
    assertThat(approve(id, "alice@example.com", alice)).succeeds();
    assertThat(
            cli.at(Instant.now())
                .run(
                    "deny",
                    id,
                    "--by",
                    "bob@example.com",
                    "--reason",
                    "not without a ticket",
                    "--signing-key",
                    bob.toString()))
        .succeeds();
    assertThat(Jvm.await(agent)).fails(77, "approval_denied").errContains("not without a ticket");
    assertEquals(
        1,
        cli.run("approvals", "list", "--status", "revoked").json().path("count").asInt(),
        "the half-approved grant died with the veto: no later co-signature revives it");
    assertThat(approve(id, "bob@example.com", bob)).fails(65, "request_not_pending");
  }

  @Test
  void anEditedCoSignatureDoesNotCount() throws Exception {
    String id = approveAheadAsAlice();
    assertThat(approve(id, "bob@example.com", bob)).succeeds();
    TestStore.of(cli.home).shell("UPDATE grant_cosignatures SET cosigner = 'carol@example.com'");
    assertThat(cli.run("exec", m, "deploy")).fails(77, "approval_required");
    JsonNode shown = cli.run("approvals", "show", id).json();
    assertEquals(List.of("alice@example.com"), List.of(shown.path("approvers").get(0).asText()));
    JsonNode ignored = shown.path("cosignatures").get(0);
    assertEquals("carol@example.com", ignored.path("cosigner").asText());
    assertEquals(false, ignored.path("counts").asBoolean());
    assertTrue(
        ignored.path("why_not").asText().contains("not as 'carol@example.com'"), shown.toString());
  }
}
