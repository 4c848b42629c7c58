package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saying where things are (issue 17, item 5). */
class StatusTest {
  @TempDir Path dir;

  @Test
  void aMistypedHomeIsNamedNotTakenForAnEmptyStore() {
    Path typo = dir.resolve("agnetcli");
    Cli cli = new Cli(typo);
    Cli.Result status = cli.run("status");
    assertThat(status).succeeds().errContains("no database at");
    assertEquals(1, status.err().split("no database at", -1).length - 1, status.err());
    assertEquals(typo.toString(), status.json().path("home").asText());
    assertFalse(status.json().path("database").path("exists").asBoolean());
    assertTrue(status.json().path("warnings").toString().contains("does not exist"));
    assertFalse(Files.exists(typo), "status creates nothing");
    for (String[] readOnly :
        new String[][] {{"approvals", "list"}, {"audit", "verify"}, {"requests", "list"}}) {
      assertThat(cli.run(readOnly)).succeeds().errContains("no database at " + cli.db);
    }
  }

  @Test
  void aUsedHomeShowsItsDatabaseTrustStoreAndJdk() throws Exception {
    Cli cli = new Cli(dir);
    Path key = dev.agentcli.TestFiles.ed25519(dir, "alice_ed25519");
    assertThat(cli.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    Cli.Result status = cli.run("status");
    assertThat(status).succeeds();
    assertEquals(cli.db.toString(), status.json().path("database").path("path").asText());
    assertTrue(status.json().path("database").path("last_event_id").asLong() > 0);
    assertEquals(1, status.json().path("trust_store").path("keys").asInt());
    assertEquals(
        System.getProperty("java.version"), status.json().path("java").path("version").asText());
    assertEquals("[]", status.json().path("warnings").toString());
    assertTrue(cli.run("--format", "text", "status").out().contains(cli.db.toString()));
  }
}
