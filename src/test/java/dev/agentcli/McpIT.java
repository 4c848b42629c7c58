package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentcli mcp} with a client nobody here wrote: the official MCP TypeScript SDK's stdio
 * client (from the npm registry, pinned by src/test/mcp-client/package-lock.json), driven by a
 * small script. A person approves and denies in another process while the client waits.
 */
class McpIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path CLIENT = Path.of("target/mcp-client");

  @TempDir Path home;

  @BeforeAll
  static void installTheClient() throws Exception {
    Files.createDirectories(CLIENT);
    for (String f : List.of("package.json", "package-lock.json", "client.mjs", "ahead.mjs")) {
      Files.copy(
          Path.of("src/test/mcp-client", f),
          CLIENT.resolve(f),
          StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(CLIENT.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      // Its output goes to a file: a child writing on this JVM's stdout would corrupt the
      // channel the test runner reads.
      Path log = CLIENT.resolve("npm-ci.log");
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
              .directory(CLIENT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertTrue(npm.waitFor(10, TimeUnit.MINUTES), "npm ci took too long");
      assertEquals(0, npm.exitValue(), "npm ci failed: " + Files.readString(log));
    }
  }

  @Test
  void aRealClientListsRunsWaitsForAnApprovalAndGetsIsErrorOnADenial() throws Exception {
    Cli cli = new Cli(home);
    Path alice = TestFiles.ed25519(home, "alice_ed25519");
    assertThat(cli.run("signers", "add", "alice@example.com", alice + ".pub")).succeeds();
    String manifest =
        cli.manifest(
            "m.json",
            """
            {"version": "0.2", "workflows": [{"id": "w", "tasks": [
              {"id": "hello", "description": "Say hello", "shell": {"program": "echo", "args": ["hello"]}},
              {"id": "deploy", "description": "Deploy", "shell": {"program": "echo", "args": ["deployed"]},
               "approval": {"policy": "manual", "risk_level": "high"}}
            ]}]}
            """);
    List<String> command = new ArrayList<>(List.of("node", "client.mjs"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Jvm.agentcliClassPath());
    command.add("dev.agentcli.Main");
    command.addAll(List.of("mcp", manifest));
    ProcessBuilder pb = new ProcessBuilder(command).directory(CLIENT.toFile());
    pb.environment().put("AGENTCLI_HOME", home.toString());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process client = pb.start();
    Map<String, JsonNode> steps = new HashMap<>();
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        JsonNode step = JSON.readTree(line);
        steps.put(step.path("step").asText(), step);
        if (step.path("step").asText().equals("ungated")) {
          // The client now calls the gated tool and waits: a person approves, then denies.
          String id = cli.onlyPendingRequest();
          assertThat(
                  cli.at(Instant.now())
                      .run(
                          "approve",
                          id,
                          "--by",
                          "alice@example.com",
                          "--signing-key",
                          alice.toString()))
              .succeeds();
          String second = waitForAnotherPending(cli, id);
          assertThat(
                  cli.at(Instant.now())
                      .run(
                          "deny",
                          second,
                          "--by",
                          "alice@example.com",
                          "--reason",
                          "not today",
                          "--signing-key",
                          alice.toString()))
              .succeeds();
        }
      }
    }
    assertTrue(client.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, client.exitValue(), "the client failed: " + steps);

    assertEquals("agentcli", steps.get("initialized").path("server").path("name").asText());
    JsonNode tools = steps.get("tools").path("tools");
    assertEquals(3, tools.size());
    JsonNode deploy = tools.get(1);
    assertEquals("deploy", deploy.path("name").asText());
    assertTrue(deploy.path("_meta").path("dev.agentcli/gated").asBoolean());
    assertEquals("high", deploy.path("_meta").path("dev.agentcli/risk_level").asText());
    assertTrue(deploy.path("description").asText().contains("Gated"));
    assertEquals("agentcli_request_status", tools.get(2).path("name").asText());

    JsonNode ungated = steps.get("ungated").path("result");
    assertEquals(false, ungated.path("isError").asBoolean());
    assertEquals(
        "hello\n", ungated.path("structuredContent").path("result").path("stdout").asText());

    JsonNode approved = steps.get("approved").path("result");
    assertEquals(false, approved.path("isError").asBoolean(), approved.toString());
    assertEquals(
        "deployed\n", approved.path("structuredContent").path("result").path("stdout").asText());
    assertEquals(
        "alice@example.com",
        approved.path("structuredContent").path("approval_used").path("approver").asText());

    JsonNode denied = steps.get("denied").path("result");
    assertEquals(true, denied.path("isError").asBoolean(), denied.toString());
    assertEquals("approval_denied", denied.path("structuredContent").path("code").asText());
    assertTrue(denied.path("content").get(0).path("text").asText().contains("not today"));

    assertEquals(-32602, steps.get("unknown").path("error").path("code").asInt());
  }

  /**
   * Issue 27: a person approved in a terminal (their PATH, their LANG); the MCP host passes the
   * server only the SDK's default variables. The task's binding is the same for both: it runs.
   */
  @Test
  void anApprovalMadeAheadInATerminalMatchesAClientWithItsOwnEnvironment() throws Exception {
    Cli person =
        new Cli(home)
            .env("LANG", "de_DE.UTF-8")
            .env("PATH", "/opt/person/bin:" + System.getenv("PATH"))
            .env("LC_ALL", "de_DE.UTF-8");
    String manifest =
        person.manifest(
            "m.json",
            """
            {"version": "0.2", "workflows": [{"id": "w", "tasks": [
              {"id": "deploy", "description": "Deploy", "shell": {"program": "echo", "args": ["deployed"]},
               "approval": {"policy": "manual", "signature": "optional"}}
            ]}]}
            """);
    person.at(Instant.now()).approveUnsigned(manifest, "deploy");
    List<String> command = new ArrayList<>(List.of("node", "ahead.mjs", "deploy"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(Started.noOperatorConfig(home));
    command.addAll(Jvm.agentcliClassPath());
    command.addAll(List.of("dev.agentcli.Main", "mcp", manifest, "--home", home.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(CLIENT.toFile());
    pb.environment().put("LANG", "C.UTF-8");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Jvm.Done d = Jvm.await(pb.start());
    assertEquals(0, d.status(), d.toString());
    JsonNode result = JSON.readTree(d.out());
    assertEquals(false, result.path("isError").asBoolean(), result.toString());
    assertEquals(
        "deployed\n", result.path("structuredContent").path("result").path("stdout").asText());
    assertEquals(0, person.count("SELECT count(*) FROM requests"), "nobody was asked again");
  }

  static String waitForAnotherPending(Cli cli, String first) throws InterruptedException {
    for (int i = 0; i < 1200; i++) {
      for (JsonNode r :
          cli.run("requests", "list", "--status", "pending").json().path("requests")) {
        if (!r.path("request_id").asText().equals(first)) {
          return r.path("request_id").asText();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no second request appeared");
  }
}
