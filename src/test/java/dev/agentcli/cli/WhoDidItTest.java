package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every audit event says who acted (issue 17, item 6). */
class WhoDidItTest {
  @TempDir Path home;

  @Test
  void claimsAndRunsRecordTheOsUserHostAndProcess() {
    Cli cli = new Cli(home).env("SUDO_USER", "carol");
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    cli.approveUnsigned(m, "deploy");
    assertThat(cli.run("exec", m, "deploy")).succeeds();
    JsonNode events = cli.run("audit", "--limit", "0").json().path("events");
    for (JsonNode e : events) {
      if (e.path("event_type").asText().equals("audit_genesis")) {
        continue;
      }
      JsonNode process = e.path("details").path("process");
      assertEquals("carol", process.path("os_user").asText(), e.toString());
      assertTrue(process.path("pid").asLong() > 0);
      assertTrue(!process.path("host").asText().isEmpty());
      assertTrue(!e.path("actor").isNull(), "an actor for " + e.path("event_type"));
    }
    assertTrue(cli.run("--format", "text", "audit").out().contains("carol"));
  }

  @Test
  void revokeRecordsItsCallerByDefault() {
    Cli cli = new Cli(home).env("SUDO_USER", "dave");
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    String id = cli.approveUnsigned(m, "deploy");
    assertThat(cli.run("approvals", "revoke", id)).succeeds();
    assertEquals(1, cli.count("SELECT count(*) FROM revocations WHERE revoked_by = 'dave'"));
  }
}
