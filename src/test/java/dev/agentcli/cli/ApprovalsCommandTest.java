package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approvals list, show and revoke. */
class ApprovalsCommandTest {
  @TempDir Path home;
  Cli cli;
  String manifest;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    manifest =
        cli.manifest(
            "m.json",
            "{\"version\": \"0.2\", \"workflows\": ["
                + "{\"id\": \"release\", \"tasks\": [{\"id\": \"deploy\", \"shell\": {\"program\": \"echo\","
                + " \"args\": [\"s3cret-value\"]}, \"approval\": {\"policy\": \"manual\", \"signature\": \"optional\"}}]},"
                + "{\"id\": \"ops\", \"tasks\": [{\"id\": \"restart\", \"shell\": {\"program\": \"true\"},"
                + " \"approval\": {\"policy\": \"manual\", \"timeout_s\": 60, \"signature\": \"optional\"}}]}]}");
  }

  String approve(String task, String... more) {
    return cli.approveUnsigned(manifest, task, more);
  }

  @Test
  void listShowsEveryStatusAndFiltersByIt() {
    String consumed = approve("deploy");
    cli.run("claim", manifest, "deploy");
    String revoked = approve("deploy");
    cli.run("approvals", "revoke", revoked, "--by", "ops");
    String expired = approve("restart", "--ttl-s", "1");
    String pending = approve("deploy");
    cli.advance(Duration.ofSeconds(2));

    JsonNode all = cli.run("approvals", "list").json();
    assertEquals(4, all.path("count").asInt());
    for (String[] expect :
        new String[][] {
          {"pending", pending}, {"consumed", consumed}, {"revoked", revoked}, {"expired", expired}
        }) {
      JsonNode only = cli.run("approvals", "list", "--status", expect[0]).json();
      assertEquals(1, only.path("count").asInt(), expect[0]);
      assertEquals(expect[1], only.path("approvals").get(0).path("approval_id").asText());
      assertEquals(expect[0], only.path("approvals").get(0).path("status").asText());
    }
    assertEquals(1, cli.run("approvals", "list", "--workflow", "ops").json().path("count").asInt());
    assertEquals(3, cli.run("approvals", "list", "--task", "deploy").json().path("count").asInt());
    assertEquals(2, cli.run("approvals", "list", "--limit", "2").json().path("count").asInt());
  }

  @Test
  void listIsNewestFirst() {
    String older = approve("deploy");
    cli.advance(Duration.ofSeconds(1));
    String newer = approve("deploy");
    JsonNode list = cli.run("approvals", "list").json().path("approvals");
    assertEquals(newer, list.get(0).path("approval_id").asText());
    assertEquals(older, list.get(1).path("approval_id").asText());
  }

  @Test
  void unknownStatusIsAnErrorNotAnEmptyList() {
    Cli.Result r = cli.run("approvals", "list", "--status", "pendng");
    assertThat(r).fails(2, "usage_error").errContains("'--status'");
  }

  @Test
  void listOnAnEmptyHomeIsEmptyAndCreatesNothing() {
    Cli.Result r = cli.run("approvals", "list");
    assertThat(r).succeeds();
    assertEquals(0, r.json().path("count").asInt());
    assertFalse(cli.db.toFile().exists());
    assertEquals(0, cli.run("audit").json().path("count").asInt());
  }

  @Test
  void showDisplaysTheBindingAsHashesAndTheValuesTheApproverSaw() {
    String id = approve("deploy");
    Cli.Result r = cli.run("approvals", "show", id);
    assertThat(r).succeeds();
    JsonNode binding = r.json().path("approval").path("task_binding");
    assertEquals("echo", binding.path("program").asText());
    assertTrue(binding.path("args").get(0).asText().startsWith("sha256:"));
    assertTrue(binding.path("env").has("PATH"));
    // approve showed the values; show shows them again (issue 17: a person sees what was approved)
    assertEquals("s3cret-value", r.json().path("command").path("args").get(0).asText());
  }

  @Test
  void showOfAnUnknownOrMalformedIdIsAnError() {
    approve("deploy");
    Cli.Result unknown = cli.run("approvals", "show", "f".repeat(32));
    assertThat(unknown).fails(65, "approval_not_found");
    Cli.Result malformed = cli.run("approvals", "show", "not-an-id");
    assertThat(malformed).fails(65, "input_invalid");
  }

  @Test
  void revokeStopsAPendingGrantFromBeingUsed() {
    String id = approve("deploy");
    Cli.Result r = cli.run("approvals", "revoke", id, "--by", "sec", "--reason", "wrong ticket");
    assertThat(r).succeeds();
    JsonNode g = r.json().path("approval");
    assertEquals("revoked", g.path("status").asText());
    assertEquals("sec", g.path("revoked_by").asText());
    assertEquals("wrong ticket", g.path("revoke_reason").asText());
    assertEquals("approval_required", cli.run("exec", manifest, "deploy").code());
  }

  @Test
  void revokingTwiceAConsumedOrAnUnknownGrantIsAnError() {
    String id = approve("deploy");
    cli.run("approvals", "revoke", id);
    Cli.Result twice = cli.run("approvals", "revoke", id);
    assertThat(twice).fails(65, "approval_already_revoked");

    String used = approve("deploy");
    cli.run("exec", manifest, "deploy");
    Cli.Result consumed = cli.run("approvals", "revoke", used);
    assertThat(consumed).fails(65, "approval_already_consumed");

    assertEquals("approval_not_found", cli.run("approvals", "revoke", "a".repeat(32)).code());
  }

  @Test
  void revocationIsAudited() {
    String id = approve("deploy");
    cli.run("approvals", "revoke", id, "--by", "sec");
    JsonNode events = cli.run("audit").json().path("events");
    JsonNode last = events.get(events.size() - 1);
    assertEquals("grant_revoked", last.path("event_type").asText());
    assertEquals(id, last.path("approval_id").asText());
    assertEquals("sec", last.path("actor").asText());
  }

  @Test
  void listAsTextIsATable() {
    String id = approve("deploy");
    Cli.Result r = cli.run("approvals", "list", "--format", "text");
    String[] lines = r.out().split("\n");
    assertTrue(lines[0].startsWith("APPROVAL_ID"), r.out());
    assertTrue(lines[1].startsWith(id + "  pending"), r.out());
  }
}
