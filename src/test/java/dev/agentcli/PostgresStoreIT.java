package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate on a shared PostgreSQL store (a real server, see PostgresServer), as on SQLite. */
class PostgresStoreIT {
  static final String UNSIGNED_OK = "{\"policy\": \"manual\", \"signature\": \"optional\"}";

  @TempDir Path home;
  @TempDir Path sqliteHome;
  PostgresServer server;
  String url;
  Cli cli;

  @BeforeEach
  void setUp() {
    server = PostgresServer.get();
    url = server.newEmptyDatabase();
    cli = new Cli(home).env("PGPASSWORD", PostgresServer.PASSWORD);
  }

  long count(String sql) throws Exception {
    try (Connection c = PostgresServer.connect(url);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The same commands on a SQLite home and on the server: the same statuses and JSON fields. */
  @Test
  void theGatesCommandsGiveTheSameStatusesAndJsonOnBothStores() throws Exception {
    Cli sqlite = new Cli(sqliteHome);
    List<Cli.Result> onSqlite = session(sqlite, List.of());
    List<Cli.Result> onServer = session(cli, List.of("--db", url));
    assertEquals(onSqlite.size(), onServer.size());
    for (int i = 0; i < onSqlite.size(); i++) {
      Cli.Result a = onSqlite.get(i);
      Cli.Result b = onServer.get(i);
      assertEquals(a.status(), b.status(), "step " + i + ":\n" + a + "\n" + b);
      if (a.out().startsWith("{")) {
        assertEquals(fields(a.json(), ""), fields(b.json(), ""), "step " + i + ":\n" + b);
      }
    }
    assertEquals(1, count("SELECT count(*) FROM consumptions"));
    assertEquals(1, count("SELECT count(*) FROM grant_status WHERE status = 'consumed'"));
    assertEquals(
        count("SELECT count(*) FROM audit_events"),
        count("SELECT count(*) FROM audit_events WHERE event_hash IS NOT NULL"));
    JsonNode status = cli.run("status", "--db", url).json().path("database");
    assertEquals("postgresql", status.path("kind").asText());
    assertTrue(status.path("exists").asBoolean(), status.toString());
    assertEquals(url, status.path("path").asText());
  }

  private List<Cli.Result> session(Cli c, List<String> db) {
    String m = c.manifest("m.json", Cli.oneTask(UNSIGNED_OK, "echo", "deployed"));
    List<Cli.Result> results = new ArrayList<>();
    results.add(c.run(args(db, "exec", m, "deploy")));
    results.add(c.run(args(db, "approve", m, "deploy", "--by", "ops", "--signer", "none")));
    results.add(c.run(args(db, "approvals", "list")));
    results.add(c.run(args(db, "exec", m, "deploy")));
    results.add(c.run(args(db, "exec", m, "deploy")));
    results.add(c.run(args(db, "approvals", "list", "--status", "consumed")));
    results.add(c.run(args(db, "audit", "--limit", "0")));
    results.add(c.run(args(db, "audit", "verify")));
    return results;
  }

  private static String[] args(List<String> db, String... command) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(db);
    return all.toArray(String[]::new);
  }

  /** The JSON's field paths (array elements as []), without the values. */
  private static TreeSet<String> fields(JsonNode node, String at) {
    TreeSet<String> paths = new TreeSet<>();
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        paths.add(at + "." + e.getKey());
        paths.addAll(fields(e.getValue(), at + "." + e.getKey()));
      }
    } else if (node.isArray()) {
      node.forEach(element -> paths.addAll(fields(element, at + "[]")));
    }
    return paths;
  }

  @Test
  void sixteenJvmsRacingForOneGrantOnTheServerGiveExactlyOneWinner() throws Exception {
    String m = cli.manifest("m.json", Cli.oneTask(UNSIGNED_OK, "true"));
    // Approved in a JVM of its own: the racers read the real clock, not the test's.
    Jvm.Done approved =
        Jvm.await(
            Jvm.start(
                home,
                Map.of("PGPASSWORD", PostgresServer.PASSWORD),
                "dev.agentcli.Main",
                "approve",
                m,
                "deploy",
                "--by",
                "ops",
                "--signer",
                "none",
                "--db",
                url));
    assertThat(approved).succeeds();
    String id = approved.asResult().json().path("approval").path("approval_id").asText();
    List<Process> racing = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      racing.add(
          Jvm.start(
              home,
              Map.of("PGPASSWORD", PostgresServer.PASSWORD),
              "dev.agentcli.Main",
              "claim",
              m,
              "deploy",
              "--lock-timeout-ms",
              "60000",
              "--db",
              url));
    }
    int winners = 0;
    for (Process p : racing) {
      Jvm.Done d = Jvm.await(p);
      if (d.status() == 0) {
        winners++;
        assertEquals(id, d.asResult().json().path("approval").path("approval_id").asText());
      } else {
        assertThat(d).fails(77, "approval_required");
      }
    }
    assertEquals(1, winners);
    assertEquals(1, count("SELECT count(*) FROM consumptions"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM consumptions c WHERE NOT EXISTS (SELECT 1 FROM audit_events a"
                + " WHERE a.event_type = 'grant_claim' AND a.outcome = 'ok'"
                + " AND a.execution_id = c.execution_id)"));
    assertThat(cli.run("audit", "verify", "--db", url)).succeeds();
  }

  /**
   * One home, its own SQLite file and a server: each store's claims anchor in a file of its own.
   */
  @Test
  void aHomeUsedWithBothStoresKeepsTheirAnchorsApart() throws Exception {
    String m = cli.manifest("m.json", Cli.oneTask(UNSIGNED_OK, "true"));
    for (int i = 0; i < 2; i++) {
      assertThat(cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none", "--db", url))
          .succeeds();
      assertThat(cli.run("exec", m, "deploy", "--db", url)).succeeds();
      assertThat(cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none")).succeeds();
      assertThat(cli.run("exec", m, "deploy")).succeeds();
    }
    assertThat(cli.run("audit", "verify")).succeeds();
    assertThat(cli.run("audit", "verify", "--db", url)).succeeds();
  }

  @Test
  void aServerThatCannotBeReachedIsRetryableAndAMissingOrWrongPasswordIsNot() throws Exception {
    String m = cli.manifest("m.json", Cli.oneTask(UNSIGNED_OK, "true"));
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(
            cli.run(
                "exec", m, "deploy", "--db", "postgresql://agentcli@127.0.0.1:" + closed + "/x"))
        .fails(75, "database_unavailable");
    Cli wrong = new Cli(home).env("PGPASSWORD", "not-the-password");
    assertThat(wrong.run("exec", m, "deploy", "--db", url))
        .fails(70, "database_auth_failed")
        .errLacks("not-the-password");
    // No password anywhere: not "try again" (75), which no retry could make true (issue 27).
    Cli none =
        new Cli(home)
            .env("PGPASSWORD", "")
            .env("PGPASSFILE", home.resolve("no-such-pgpass").toString())
            .env("HOME", home.toString());
    assertThat(none.run("exec", m, "deploy", "--db", url)).fails(70, "database_auth_failed");
  }

  @Test
  void thePasswordComesFromPgpassWhenPgpasswordIsNotSet() throws Exception {
    Path pgpass = home.resolve("pgpass");
    Files.writeString(
        pgpass,
        "127.0.0.1:"
            + server.port()
            + ":*:"
            + PostgresServer.ROLE
            + ":"
            + PostgresServer.PASSWORD
            + "\n");
    Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
    Jvm.Done d =
        Jvm.await(
            Jvm.start(
                home,
                Map.of("PGPASSFILE", pgpass.toString()),
                "dev.agentcli.Main",
                "approvals",
                "list",
                "--db",
                url));
    assertThat(d).succeeds();
  }

  /** An operator configuration pinning the server, its password file and {@code manifest}. */
  Cli pinned(String manifest) throws Exception {
    Path etc = Files.createDirectory(home.resolve("etc"));
    Path password = etc.resolve("db-password");
    Files.writeString(password, PostgresServer.PASSWORD + "\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    Path manifests = Files.createDirectory(home.resolve("manifests"));
    Files.writeString(manifests.resolve("m.json"), manifest);
    Files.writeString(etc.resolve("allowed_signers"), "");
    Path config = etc.resolve("config.json");
    Files.writeString(
        config,
        "{\"database\": \""
            + url
            + "\", \"database_password_file\": \""
            + password
            + "\", \"allowed_signers\": \""
            + etc.resolve("allowed_signers")
            + "\", \"manifests\": \""
            + manifests
            + "\", \"audit_anchors\": \""
            + etc.resolve("anchors.ndjson")
            + "\", \"allow_unsigned\": true}");
    return new Cli(home).operatorConfig(config);
  }

  @Test
  void theOperatorConfigurationPinsTheServerAndItsPasswordFile() throws Exception {
    Cli pinned = pinned(Cli.oneTask(UNSIGNED_OK, "echo", "pinned"));
    assertThat(pinned.run("approve", "m.json", "deploy", "--by", "ops", "--signer", "none"))
        .succeeds();
    assertThat(pinned.run("exec", "m.json", "deploy")).succeeds().outContains("pinned");
    assertEquals(1, count("SELECT count(*) FROM consumptions"));
    assertThat(pinned.run("exec", "m.json", "deploy", "--db", url))
        .fails(77, "config_override_refused");
    Files.setPosixFilePermissions(
        home.resolve("etc/db-password"), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(pinned.run("exec", "m.json", "deploy")).fails(78, "config_invalid");
  }

  /**
   * Issue 24, finding 5, on the shared store: the agent may not ask in a person's name (nor lock
   * them out of approving); the OS user is who asks.
   */
  @Test
  void onTheServerTooTheAgentCannotAskInAPersonsName(@TempDir Path keys) throws Exception {
    Path key = TestFiles.ed25519(keys, "alice");
    Cli pinned = pinned(Cli.oneTask("{\"policy\": \"manual\"}", "echo", "x"));
    assertThat(pinned.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    pinned.env("SUDO_USER", "agent");
    assertThat(pinned.run("request", "m", "deploy", "--requester", "alice@example.com"))
        .fails(77, "requester_refused");
    assertEquals(0, count("SELECT count(*) FROM requests"), "nothing was filed");
    Cli.Result filed = pinned.run("request", "m", "deploy", "--requester", "agent-1");
    assertThat(filed).succeeds();
    String id = filed.json().path("request_id").asText();
    // The agent's own OS user may not approve it, whatever principal it names.
    assertThat(pinned.run("approve", id, "--by", "alice@example.com", "--signing-key", key + ""))
        .fails(77, "self_approval_refused");
    Cli.Result approve =
        pinned
            .env("SUDO_USER", "alice")
            .run("approve", id, "--by", "alice@example.com", "--signing-key", key.toString());
    assertThat(approve).succeeds();
    assertThat(pinned.env("SUDO_USER", "agent").run("exec", "m", "deploy")).succeeds();
  }
}
