package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import dev.agentcli.app.Context;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;

/** agentcli as data, and completion, in step with the command model (issue 17). */
class DescribeTest {
  @TempDir Path home;

  @Test
  void describeListsEveryCommandOptionAndErrorCodeTheCodeHas() {
    Cli.Result r = new Cli(home).run("describe");
    assertThat(r).succeeds();
    Map<String, JsonNode> byName = new HashMap<>();
    r.json().path("commands").forEach(c -> byName.put(c.path("command").asText(), c));
    Set<String> expected = new HashSet<>();
    walk(AgentCli.commandLine(Context.system()).getCommandSpec(), expected);
    assertEquals(expected, byName.keySet());
    Set<String> execOptions = new HashSet<>();
    byName
        .get("exec")
        .path("options")
        .forEach(o -> o.path("names").forEach(n -> execOptions.add(n.asText())));
    assertTrue(execOptions.containsAll(Set.of("--dry-run", "--wait", "--format", "--approval-id")));
    Map<String, Integer> codes = new HashMap<>();
    r.json()
        .path("error_codes")
        .forEach(c -> codes.put(c.path("code").asText(), c.path("exit_status").asInt()));
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(code.exitStatus(), codes.get(code.id()), code.id());
    }
  }

  static void walk(CommandSpec spec, Set<String> into) {
    spec.subcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                into.add(sub.getCommandSpec().qualifiedName(" ").replaceFirst("^agentcli ", ""));
                walk(sub.getCommandSpec(), into);
              }
            });
  }

  @Test
  void completionIsABashScriptThatKnowsTheCommandsAndOptions() throws Exception {
    Cli.Result r = new Cli(home).run("completion", "bash");
    assertThat(r).succeeds();
    assertTrue(r.out().contains("complete -F _complete_agentcli -o default agentcli"));
    assertTrue(r.out().contains("approvals") && r.out().contains("--dry-run"));
    Path script = Files.writeString(home.resolve("agentcli.bash"), r.out());
    Process check = new ProcessBuilder("bash", "-n", script.toString()).start();
    assertEquals(0, check.waitFor(), "bash reads the script");
    assertThat(new Cli(home).run("completion", "fish")).fails(2, "usage_error");
  }
}
