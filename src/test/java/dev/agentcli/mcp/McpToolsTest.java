package dev.agentcli.mcp;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import dev.agentcli.TestFiles;
import dev.agentcli.app.Context;
import dev.agentcli.app.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MCP's task tools in process: what the model reads. */
class McpToolsTest {
  @TempDir Path home;
  @TempDir Path keys;

  McpTools tools(Cli cli) {
    Context ctx =
        new Context(
            Map.of("AGENTCLI_HOME", home.toString(), "HOME", home.toString()),
            Clock.systemUTC(),
            home,
            new ByteArrayInputStream(new byte[0]),
            SecureRandom::new,
            home.resolve("no-operator-config.json"),
            new ByteArrayOutputStream(),
            new ByteArrayOutputStream());
    return new McpTools(ctx, Settings.Flags.NONE, List.of(), Duration.ofSeconds(1), null);
  }

  /**
   * Issue 27: the status text said only "request … is pending", not who asked, why, or who said no.
   */
  @Test
  void theRequestStatusSaysWhoAskedAndWhyAndWhoDecidedAndWhy() throws Exception {
    Cli cli = new Cli(home).at(Instant.now());
    String m =
        cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\", \"quorum\": 2}", "echo", "x"));
    String id =
        cli.run("request", m, "deploy", "--reason", "ship 1.2.3", "--requester", "agent-7")
            .json()
            .path("request_id")
            .asText();
    String pending = tools(cli).call(McpTools.STATUS_TOOL, Map.of("request_id", id)).text();
    assertTrue(pending.contains("is pending, asked by agent-7 (\"ship 1.2.3\")"), pending);
    assertTrue(pending.contains("0 of 2 approvals"), pending);

    Path bob = TestFiles.ed25519(keys, "bob");
    assertThat(cli.run("signers", "add", "bob@example.com", bob + ".pub")).succeeds();
    assertThat(cli.deny(id, "bob@example.com", "not on a Friday", bob)).succeeds();
    Tools.ToolResult denied = tools(cli).call(McpTools.STATUS_TOOL, Map.of("request_id", id));
    assertTrue(
        denied.text().contains("was denied by bob@example.com: not on a Friday"), denied.text());
    assertEquals("denied", denied.structured().get("status"), denied.structured().toString());
  }
}
