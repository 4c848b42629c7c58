package dev.agentcli.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.app.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Help text is documentation: every command, option and parameter has a description. */
class HelpTest {
  @Test
  void everyCommandOptionAndParameterIsDescribed() {
    List<String> missing = new ArrayList<>();
    walk(AgentCli.commandLine(Context.system()).getCommandSpec(), missing);
    assertEquals(List.of(), missing);
  }

  @Test
  void everyErrorCodeAndExitStatusIsDocumentedInTheReadme() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (dev.agentcli.error.ErrorCode code : dev.agentcli.error.ErrorCode.values()) {
      assertTrue(readme.contains("`" + code.id() + "`"), "README does not mention " + code.id());
      assertTrue(
          readme.contains("| " + code.exitStatus() + " "),
          "README has no row for exit " + code.exitStatus());
    }
  }

  private static void walk(CommandSpec spec, List<String> missing) {
    if (spec.usageMessage().description().length == 0) {
      missing.add(spec.qualifiedName() + ": command");
    }
    for (ArgSpec arg : spec.args()) {
      if (arg.description().length == 0 || arg.description()[0].isBlank()) {
        missing.add(spec.qualifiedName() + ": " + arg.paramLabel());
      }
    }
    spec.subcommands().values().forEach(sub -> walk(sub.getCommandSpec(), missing));
  }
}
