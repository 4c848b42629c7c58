package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import dev.agentcli.TestFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output for people and for scripts (issue 17, item 3). */
class OutputTest {
  @TempDir Path home;
  Cli cli;
  String m;
  String id;
  Path key;

  @BeforeEach
  void signedGrant() throws Exception {
    cli = new Cli(home);
    key = TestFiles.ed25519(home, "alice_ed25519");
    assertThat(cli.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    m = cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "shipped"));
    id = cli.approveSigned(m, "deploy", "alice@example.com", key);
  }

  @Test
  void listsCarryASummaryPerGrantAndShowTheWholeRecord() {
    String list = cli.run("approvals", "list").out();
    assertFalse(list.contains("BEGIN SSH SIGNATURE") || list.contains("signed_payload"), list);
    assertTrue(list.contains("key_fingerprint"));
    String show = cli.run("approvals", "show", id).out();
    assertTrue(show.contains("BEGIN SSH SIGNATURE") && show.contains("signed_payload"));
  }

  @Test
  void textViewsAreShortAndShowWhetherTheSignatureVerifies() {
    String show = cli.run("--format", "text", "approvals", "show", id).out();
    assertFalse(show.contains("BEGIN SSH SIGNATURE"), show);
    assertTrue(show.contains("valid") && show.contains("SHA256:"), show);
    assertTrue(show.lines().count() < 40, show.lines().count() + " lines:\n" + show);
    String dryRun = cli.run("--format", "text", "exec", m, "deploy", "--dry-run").out();
    assertTrue(dryRun.lines().count() < 40, dryRun.lines().count() + " lines:\n" + dryRun);
  }

  @Test
  void quietClaimAndExecPrintNothingButTheTasksOwnOutput() {
    Cli.Result claimed = cli.run("claim", m, "deploy", "--quiet");
    assertThat(claimed).succeeds();
    assertEquals("", claimed.out());
    assertEquals("", claimed.err());
    cli.approveSigned(m, "deploy", "alice@example.com", key);
    Cli.Result ran = cli.run("exec", m, "deploy", "-q");
    assertThat(ran).succeeds();
    assertEquals("shipped\n", ran.out());
    assertEquals("", ran.err());
  }
}
