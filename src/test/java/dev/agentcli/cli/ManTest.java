package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manual pages generated from the command model, read by the real man tooling (issue 17). */
class ManTest {
  @TempDir Path home;

  /** What groff makes of a page, as man would show it. */
  String rendered(String troff) throws Exception {
    Path page = Files.writeString(home.resolve("page.1"), troff);
    Process p =
        new ProcessBuilder("groff", "-man", "-Tutf8", page.toString())
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), text);
    return text.replaceAll(".\b", ""); // overstrikes (bold) to plain text
  }

  @Test
  void everyCommandHasAPageThatManToolsRender() throws Exception {
    Cli cli = new Cli(home);
    Cli.Result exec = cli.run("man", "exec");
    assertThat(exec).succeeds();
    assertTrue(exec.out().startsWith(".TH \"AGENTCLI-EXEC\" \"1\""), exec.out());
    String text = rendered(exec.out());
    assertTrue(text.contains("--dry-run") && text.contains("--approval-id"), text);
    assertTrue(text.contains("agentcli-exec - Run a task through the gate"), text);

    String list = rendered(cli.run("man", "approvals", "list").out());
    assertTrue(list.contains("--status"), list);
    String top = rendered(cli.run("man").out());
    assertTrue(top.contains("EXIT STATUS") && top.contains("approval_required"), top);
    assertThat(cli.run("man", "nope")).fails(2, "usage_error");
  }
}
