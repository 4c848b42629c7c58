package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** approvals show says what was approved, with its values (issue 17, item 4). */
class ShowValuesTest {
  @TempDir Path home;

  String manifest(Cli cli) {
    return cli.manifest(
        "m.json",
        """
        {"version": "0.2", "workflows": [{"id": "w", "tasks": [{"id": "deploy",
          "shell": {"program": "echo", "args": ["--env", "prod"],
                    "env": {"STAGE": "blue", "TOKEN": "s3cret"}, "secret_env": ["TOKEN"]},
          "approval": {"policy": "manual", "signature": "optional"}}]}]}
        """);
  }

  @Test
  void theValuesTheApproverWasShownAreShownAgainSecretsAsDigests() throws Exception {
    Cli cli = new Cli(home);
    String m = manifest(cli);
    String id = cli.approveUnsigned(m, "deploy");
    JsonNode show = cli.run("approvals", "show", id).json();
    JsonNode command = show.path("command");
    assertEquals("[\"--env\",\"prod\"]", command.path("args").toString());
    assertEquals("blue", command.path("env").path("STAGE").asText());
    assertTrue(command.path("env").path("TOKEN").asText().startsWith("secret:sha256:"));
    assertTrue(show.path("command_edited").isNull());
    assertTrue(cli.run("--format", "text", "approvals", "show", id).out().contains("prod"));

    try (var c = DriverManager.getConnection("jdbc:sqlite:" + cli.db)) {
      c.createStatement()
          .execute("UPDATE grant_commands SET command = json_set(command, '$.args[1]', 'staging')");
    }
    assertEquals("args", cli.run("approvals", "show", id).json().path("command_edited").asText());
  }

  @Test
  void aGrantThatAnswersARequestShowsTheRequestsValues() {
    Cli cli = new Cli(home);
    String m = manifest(cli);
    String requestId = cli.run("request", m, "deploy").json().path("request_id").asText();
    Cli.Result approved = cli.run("approve", requestId, "--by", "ops", "--signer", "none");
    assertThat(approved).succeeds();
    String id = approved.json().path("approval").path("approval_id").asText();
    assertEquals(
        "prod",
        cli.run("approvals", "show", id).json().path("command").path("args").get(1).asText());
  }
}
