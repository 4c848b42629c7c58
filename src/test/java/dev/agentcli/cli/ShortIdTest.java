package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentcli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ids as people type them: a unique prefix of 8 or more digits (issue 17, item 8). */
class ShortIdTest {
  @TempDir Path home;

  @Test
  void aUniquePrefixNamesAGrantAndAnAmbiguousOneListsTheMatches() {
    Cli cli = new Cli(home);
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    String id = cli.approveUnsigned(m, "deploy");
    String prefix = id.substring(0, 8);
    Cli.Result shown = cli.run("approvals", "show", prefix);
    assertThat(shown).succeeds();
    assertEquals(id, shown.json().path("approval").path("approval_id").asText());
    assertThat(cli.run("exec", m, "deploy", "--approval-id", prefix)).succeeds();
    assertThat(cli.run("approvals", "show", "deadbeef")).fails(65, "approval_not_found");
    assertThat(cli.run("approvals", "show", "dead")).fails(65, "input_invalid");
  }
}
