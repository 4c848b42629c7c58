package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees with the plain sqlite3 shell, and real exit statuses of real processes. */
class SqliteShellIT {
  @TempDir Path home;

  static String sqlite3(Path db, String sql) throws Exception {
    Process p = new ProcessBuilder("sqlite3", db.toString(), sql).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void statusViewShowsEveryGrantWithItsStatus() throws Exception {
    Cli cli = new Cli(home);
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Map<String, String> expected = new TreeMap<>();

    cli.at(now.minus(Duration.ofHours(2)));
    expected.put(cli.approveUnsigned(m, "deploy", "--ttl-s", "60"), "expired");
    cli.at(now);
    String consumed = cli.approveUnsigned(m, "deploy");
    assertEquals(0, cli.run("claim", m, "deploy").status());
    expected.put(consumed, "consumed");
    String revoked = cli.approveUnsigned(m, "deploy");
    assertEquals(0, cli.run("approvals", "revoke", revoked).status());
    expected.put(revoked, "revoked");
    expected.put(cli.approveUnsigned(m, "deploy"), "pending");

    Map<String, String> seen = new TreeMap<>();
    for (String line :
        sqlite3(cli.db, "SELECT approval_id || '|' || status FROM grant_status")
            .trim()
            .split("\n")) {
      String[] parts = line.split("\\|");
      seen.put(parts[0], parts[1]);
    }
    assertEquals(expected, seen);
    assertEquals("wal\n", sqlite3(cli.db, "PRAGMA journal_mode"));
  }

  @Test
  void realProcessExitsWithTheTasksStatusAndGateCodes() throws Exception {
    Cli cli = new Cli(home);
    String m =
        cli.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\"}", "sh", "-c", "exit 3"));
    Jvm.Done refused = Jvm.run(home, "exec", m, "deploy");
    assertThat(refused).exits(77);
    assertEquals("", refused.out());
    assertThat(refused).hasCode("approval_required");
    assertEquals(
        0, Jvm.run(home, "approve", m, "deploy", "--by", "ops", "--signer", "none").status());
    Jvm.Done ran = Jvm.run(home, "exec", m, "deploy");
    assertThat(ran).exits(3);
    assertEquals(3, ran.asResult().json().path("result").path("exit_code").asInt());
    assertEquals("", ran.err(), "nothing but the result: no JVM or library noise");
    assertEquals(2, Jvm.run(home, "exec").status());
  }
}
