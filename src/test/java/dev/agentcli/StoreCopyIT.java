package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite store copied into PostgreSQL and back keeps its grants, signatures and chain. */
class StoreCopyIT {
  @TempDir Path home;
  @TempDir Path keys;

  @Test
  void aSqliteStoreCopiedToPostgresqlAndBackKeepsItsGrantsSignaturesAndChain() throws Exception {
    Path key = TestFiles.ed25519(keys, "alice");
    Cli cli =
        new Cli(home)
            .at(Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .env("PGPASSWORD", PostgresServer.PASSWORD);
    assertThat(cli.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    String m = cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "true"));
    String used = cli.approveSigned(m, "deploy", "alice@example.com", key);
    assertThat(cli.run("exec", m, "deploy", "--approval-id", used)).succeeds();
    cli.advance(Duration.ofMinutes(1));
    String revoked = cli.approveSigned(m, "deploy", "alice@example.com", key);
    assertThat(cli.run("approvals", "revoke", revoked, "--by", "alice@example.com")).succeeds();
    cli.advance(Duration.ofMinutes(1));
    String pending = cli.approveSigned(m, "deploy", "alice@example.com", key);
    JsonNode grants = cli.run("approvals", "list", "--limit", "0").json();
    String head = cli.run("audit", "head").json().path("head").asText();

    String url = PostgresServer.get().newEmptyDatabase();
    Cli.Result copied = cli.run("store", "copy", "--to", url);
    assertThat(copied).succeeds();
    assertEquals(3, copied.json().path("rows").path("grants").asInt(), copied.toString());
    assertEquals(grants, cli.run("approvals", "list", "--limit", "0", "--db", url).json());
    Cli.Result verified = cli.run("audit", "verify", "--db", url);
    assertThat(verified).succeeds();
    assertEquals(head, verified.json().path("head").asText());

    // The same store, and a second copy into it is refused: nothing is written.
    assertThat(cli.run("store", "copy", "--to", url)).fails(65, "store_not_empty");
    assertEquals(head, cli.run("audit", "head", "--db", url).json().path("head").asText());

    // Its pending grant is used once there, its signature checked; the others never.
    Cli.Result ran = cli.run("exec", m, "deploy", "--db", url);
    assertThat(ran).succeeds();
    assertEquals(pending, ran.json().path("approval_used").path("approval_id").asText());
    assertThat(cli.run("exec", m, "deploy", "--db", url)).fails(77, "approval_required");

    // And back into a new SQLite file, with the run on the server in it.
    Path back = home.resolve("back.db");
    assertThat(cli.run("store", "copy", "--db", url, "--to", back.toString())).succeeds();
    Cli.Result again = cli.run("audit", "verify", "--db", back.toString());
    assertThat(again).succeeds();
    assertEquals(
        cli.run("audit", "head", "--db", url).json().path("head").asText(),
        again.json().path("head").asText());
    assertEquals(
        "consumed",
        cli.run("approvals", "show", pending, "--db", back.toString())
            .json()
            .path("approval")
            .path("status")
            .asText());
    assertThat(cli.run("exec", m, "deploy", "--db", back.toString()))
        .fails(77, "approval_required");
  }
}
