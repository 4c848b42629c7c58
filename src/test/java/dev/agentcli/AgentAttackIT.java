package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.Grant;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcApprovalStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Issue 9: the gate tried as a hostile agent running as the same user would, through the CLI on
 * real files. Each test is one way around the gate that used to work.
 */
class AgentAttackIT {
  @TempDir Path home;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
  }

  static final String OPTIONAL = "{\"policy\": \"manual\", \"signature\": \"optional\"}";

  Path script(String name, String body) throws Exception {
    Path file = home.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  // 1. A grant covers the content of what runs.

  @Test
  void rewritingTheProgramAfterApprovalMakesTheGrantDrift() throws Exception {
    script("deploy.sh", "echo approved");
    String m = cli.manifest("m.json", Cli.oneTask(OPTIONAL, "./deploy.sh"));
    cli.approveUnsigned(m, "deploy");
    script("deploy.sh", "echo something else");
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).fails(77, "approval_required");
    assertTrue(r.error().path("error").asText().contains("deploy.sh"), r.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh", "bash", "python3"})
  void rewritingAScriptGivenToAnInterpreterMakesTheGrantDrift(String interpreter) throws Exception {
    Files.writeString(home.resolve("job"), "print('approved')\n");
    String m = cli.manifest("m.json", Cli.oneTask(OPTIONAL, interpreter, "job"));
    cli.approveUnsigned(m, "deploy");
    Files.writeString(home.resolve("job"), "print('evil')\n");
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).exits(77);
    assertTrue(r.error().path("error").asText().contains("job"), r.toString());
  }

  @Test
  void filesNamedInBindFilesAreCoveredToo() throws Exception {
    Files.createDirectories(home.resolve("lib"));
    Files.writeString(home.resolve("lib/a.sh"), "a");
    Files.writeString(home.resolve("lib/b.sh"), "b");
    String m =
        cli.manifest(
            "m.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"release\", \"tasks\": [{\"id\":"
                + " \"deploy\", \"shell\": {\"program\": \"true\", \"bind_files\": [\"lib/*.sh\"]},"
                + " \"approval\": "
                + OPTIONAL
                + "}]}]}");
    cli.approveUnsigned(m, "deploy");
    Files.writeString(home.resolve("lib/b.sh"), "changed");
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).exits(77);
    assertTrue(r.error().path("error").asText().contains("lib/b.sh"), r.toString());
    Files.writeString(home.resolve("lib/b.sh"), "b");
    Files.writeString(home.resolve("lib/c.sh"), "new");
    r = cli.run("exec", m, "deploy");
    assertEquals(77, r.status(), "a new file matching the glob drifts too: " + r);
    Files.delete(home.resolve("lib/c.sh"));
    assertEquals(0, cli.run("exec", m, "deploy").status());
  }

  // 2. The claim enforces every rule of the policy.

  @Test
  void aTrustedKeyOutsideTheScopeOrBeyondTheLifetimeIsNotConsumed() throws Exception {
    Path alice = TestFiles.ed25519(home, "alice_key");
    Path bot = TestFiles.ed25519(home, "ci-bot_key");
    assertEquals(0, cli.run("signers", "add", "alice@example.com", alice + ".pub").status());
    assertEquals(0, cli.run("signers", "add", "ci-bot", bot + ".pub").status());
    String m =
        cli.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"approver_scope\": \"domain:example.com\","
                    + " \"timeout_s\": 900}",
                "echo",
                "ran"));
    String aliceId = cli.approveSigned(m, "deploy", "alice@example.com", alice);
    Grant template = grant(aliceId);
    assertEquals(0, cli.run("approvals", "revoke", aliceId, "--by", "alice@example.com").status());

    String outOfScope = forge(template, "ci-bot", Duration.ofMinutes(5), bot);
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).fails(77, "approval_scope_mismatch");
    assertEquals(
        outOfScope, r.error().path("details").path("rejected").get(0).path("approval_id").asText());
    assertFalse(
        cli.run("approvals", "verify", outOfScope)
            .json()
            .path("verification")
            .path("valid")
            .asBoolean());
    assertEquals("pending", status(outOfScope));
    assertEquals(
        0, cli.run("approvals", "revoke", outOfScope, "--by", "alice@example.com").status());

    String tenYears = forge(template, "alice@example.com", Duration.ofDays(3650), alice);
    r = cli.run("exec", m, "deploy");
    assertThat(r).fails(77, "approval_policy_violated");
    assertEquals("pending", status(tenYears));
    JsonNode audit = cli.run("audit", "--approval", tenYears).json();
    boolean ruleAudited = false;
    for (JsonNode e : audit.path("events")) {
      ruleAudited |=
          e.path("event_type").asText().equals("grant_rejected")
              && e.path("details").path("rule").asText().equals("timeout_s");
    }
    assertTrue(ruleAudited, audit.toString());
  }

  // 3. The gated party cannot approve itself.

  @Test
  void execHasNoFlagThatAcceptsUnsignedGrants() {
    String m = cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "x"));
    Cli.Result approved =
        cli.run("approve", m, "deploy", "--by", "alice@example.com", "--signer", "none");
    assertEquals(77, approved.status(), "unusable unsigned grants are not written: " + approved);
    Cli.Result r = cli.run("exec", m, "deploy", "--allow-unsigned");
    assertThat(r).fails(2, "usage_error");
  }

  @Test
  void theOperatorDecidesWhetherUnsignedGrantsAreEverUsable() throws Exception {
    Path config = operatorConfig(true);
    Files.writeString(home.resolve("manifests/m.json"), Cli.oneTask(OPTIONAL, "echo", "x"));
    cli.operatorConfig(config);
    cli.approveUnsigned("m", "deploy"); // written before the operator locked it down
    operatorConfig(false);
    Cli.Result r = cli.run("exec", "m", "deploy");
    assertThat(r).fails(77, "approval_signature_invalid");
    Cli.Result approve = cli.run("approve", "m", "deploy", "--by", "ops", "--signer", "none");
    assertThat(approve).exits(77);
  }

  @Test
  void whereOsUsersAreKeptApartTheRequestersOsUserMayNotApproveUnlessTheOperatorSaysSo()
      throws Exception {
    cli.operatorConfig(operatorConfig(true));
    Files.writeString(home.resolve("manifests/m.json"), Cli.oneTask(OPTIONAL, "echo", "x"));
    Cli.Result filed = cli.run("request", "m", "deploy", "--requester", "agent-1");
    assertThat(filed).succeeds();
    String id = filed.json().path("request_id").asText();
    // Another principal, but the same OS user as the agent that asked.
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none"))
        .fails(77, "self_approval_refused");
    operatorConfig(true, ", \"self_approval_exceptions\": [\"alice\"]");
    assertThat(cli.run("approve", id, "--by", "alice", "--signer", "none")).succeeds();
    assertThat(cli.run("exec", "m", "deploy")).succeeds();
  }

  /**
   * Issue 24, finding 5: under an operator configuration the agent could file a request "asked by"
   * a colleague of the trust store, whose own approval was then refused as self-approval. The OS
   * user is who asks; a label may not name a principal of the trust store.
   */
  @Test
  void theAgentCannotAskInAPersonsNameNorLockThemOut(@TempDir Path keys) throws Exception {
    Path key = TestFiles.ed25519(keys, "alice");
    cli.operatorConfig(operatorConfig(false));
    Files.writeString(
        home.resolve("manifests/m.json"), Cli.oneTask("{\"policy\": \"manual\"}", "echo", "x"));
    assertThat(cli.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    cli.env("SUDO_USER", "agent");
    assertThat(cli.run("request", "m", "deploy", "--requester", "alice@example.com"))
        .fails(77, "requester_refused");
    assertThat(cli.env("AGENTCLI_REQUESTER", "alice@example.com").run("request", "m", "deploy"))
        .fails(77, "requester_refused");
    cli.env("AGENTCLI_REQUESTER", "");
    // Issue 28: nor in the name of someone who approves with a passkey only.
    Files.writeString(
        home.resolve("allowed_passkeys"),
        new dev.agentcli.signing.SoftwarePasskey()
                .line("bob@example.com", "https://agentcli.example.com", "")
            + "\n");
    assertThat(cli.run("request", "m", "deploy", "--requester", "bob@example.com"))
        .fails(77, "requester_refused");
    assertEquals(0, cli.count("SELECT count(*) FROM requests"), "nothing was filed");
    Cli.Result filed = cli.run("request", "m", "deploy", "--requester", "agent-1");
    assertThat(filed).succeeds();
    String id = filed.json().path("request_id").asText();
    // alice, another OS user, approves what an agent labelled after her asked: not self-approval.
    Cli.Result approve =
        cli.env("SUDO_USER", "alice")
            .run("approve", id, "--by", "alice@example.com", "--signing-key", key.toString());
    assertThat(approve).succeeds();
    assertThat(cli.env("SUDO_USER", "agent").run("exec", "m", "deploy")).succeeds();
  }

  // 4. The caller cannot choose the trust store, the database or the manifests.

  @ParameterizedTest
  @ValueSource(strings = {"--home", "--db", "AGENTCLI_HOME", "AGENTCLI_ALLOWED_SIGNERS", "path"})
  void withAnOperatorConfigurationTheCallerCannotPointElsewhere(String how) throws Exception {
    Path config = operatorConfig(false);
    Files.writeString(
        home.resolve("manifests/m.json"), Cli.oneTask("{\"policy\": \"manual\"}", "echo", "x"));
    cli.operatorConfig(config);
    Path mine = Files.createDirectories(home.resolve("mine"));
    Files.writeString(
        mine.resolve("m.json"), Cli.oneTask("{\"policy\": \"auto-approve\"}", "echo", "x"));
    Cli.Result r;
    switch (how) {
      case "--home" -> r = cli.run("exec", "m", "deploy", "--home", mine.toString());
      case "--db" -> r = cli.run("exec", "m", "deploy", "--db", mine.resolve("x.db").toString());
      case "path" -> r = cli.run("exec", mine.resolve("m.json").toString(), "deploy");
      default -> r = cli.env(how, mine.toString()).run("exec", "m", "deploy");
    }
    assertThat(r).fails(77, "config_override_refused");
    JsonNode events = cli.env(how, "").run("audit").json().path("events");
    assertEquals("override_refused", events.get(events.size() - 1).path("event_type").asText());
  }

  @Test
  void anOperatorConfigurationOthersCanWriteIsRefused() throws Exception {
    Path config = operatorConfig(false);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));
    cli.operatorConfig(config);
    Cli.Result r = cli.run("approvals", "list");
    assertThat(r).fails(78, "config_invalid");
  }

  /**
   * Issue 24, finding 4: the configuration was checked, but not the files it names nor a link's own
   * folder: a world-writable manifests folder let the agent drop an auto-approve manifest, and a
   * link in a writable folder could be re-pointed at the agent's own configuration.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "manifests folder",
        "a manifest",
        "trust store",
        "anchors folder",
        "link's folder",
        "owner"
      })
  void everyFileTheOperatorConfigurationRestsOnIsCheckedLikeStrictModes(String which)
      throws Exception {
    Path config =
        operatorConfig(false, ", \"audit_anchors\": \"" + home.resolve("anchors/a.ndjson") + "\"");
    Files.createDirectories(home.resolve("anchors"));
    Files.writeString(home.resolve("allowed_signers"), "");
    Files.writeString(
        home.resolve("manifests/m.json"), Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    cli.operatorConfig(config);
    assertThat(cli.run("status")).succeeds();
    java.util.function.BiConsumer<Path, String> mode =
        (p, m) -> {
          try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(m));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        };
    switch (which) {
      case "manifests folder" -> mode.accept(home.resolve("manifests"), "rwxrwxrwx");
      case "a manifest" -> mode.accept(home.resolve("manifests/m.json"), "rw-rw-r--");
      case "trust store" -> mode.accept(home.resolve("allowed_signers"), "rw-rw-rw-");
      case "anchors folder" -> mode.accept(home.resolve("anchors"), "rwxrwxrwx");
      case "link's folder" -> {
        Path open = Files.createDirectories(home.resolve("open"));
        mode.accept(open, "rwxrwxrwx");
        Path link = Files.createSymbolicLink(open.resolve("config.json"), config);
        cli.operatorConfig(link);
      }
      default ->
          assertEquals(
              0,
              new ProcessBuilder("chown", "nobody", home.resolve("manifests/m.json").toString())
                  .start()
                  .waitFor());
    }
    assertThat(cli.run("exec", "m", "deploy")).fails(78, "config_invalid");
    assertThat(cli.run("status")).fails(78, "config_invalid");
  }

  // 5. A file in the working directory does not shadow a named manifest.

  @Test
  void aBareNameResolvesOnlyUnderTheManifestsFolder() throws Exception {
    Files.createDirectories(home.resolve("manifests"));
    Files.writeString(
        home.resolve("manifests/release.json"),
        Cli.oneTask("{\"policy\": \"manual\"}", "echo", "x"));
    Files.writeString(
        home.resolve("release"), Cli.oneTask("{\"policy\": \"auto-approve\"}", "echo", "x"));
    Cli.Result r = cli.run("exec", "release", "deploy");
    assertThat(r).exits(77);
    assertEquals(0, cli.run("exec", "./release", "deploy").status(), "a path needs a slash");
  }

  // 6. The manifest fails closed.

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"aproval\": {\"policy\": \"manual\"}",
        "\"approval\": {\"polciy\": \"manual\"}",
        "\"approval\": {\"policy\": \"manual\", \"aprover_scope\": \"alice\"}",
        "\"approval\": {\"policy\": \"manual\"}, \"shell\": {\"program\": \"echo\", \"evn\": {}}"
      })
  void misspelledKeysAreErrorsWithAHint(String task) {
    String m =
        cli.manifest(
            "m.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
                + (task.contains("\"shell\"") ? "" : " \"shell\": {\"program\": \"echo\"},")
                + task
                + "}]}]}");
    Cli.Result v = cli.run("validate", m);
    assertThat(v).exits(65);
    assertTrue(v.out().contains("did you mean"), v.toString());
    assertEquals(65, cli.run("exec", m, "t").status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"approver_scope\": \"alice\"}",
        "{\"risk_level\": \"high\"}",
        "{\"timeout_s\": 60}",
        "{\"policy\": null}",
        "{}"
      })
  void anApprovalBlockWithoutAPolicyIsAGate(String block) {
    String m = cli.manifest("m.json", Cli.oneTask(block, "echo", "x"));
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).exits(77);
    JsonNode v = cli.run("validate", m).json();
    assertEquals("manual", v.path("tasks").get(0).path("policy").asText(), v.toString());
  }

  @Test
  void onlyAnExplicitNoMeansNoGate() {
    String m = cli.manifest("m.json", Cli.oneTask("{\"required\": false}", "echo", "x"));
    assertEquals(0, cli.run("exec", m, "deploy").status());
    String other =
        cli.manifest("n.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "echo", "x"));
    assertEquals(0, cli.run("exec", other, "deploy").status());
  }

  @Test
  void theNodeToolsOtherBlocksAreAcceptedByName() {
    String m =
        cli.manifest(
            "m.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
                + " \"description\": \"d\", \"identity\": {}, \"contract\": {}, \"evidence\": {},"
                + " \"schedule\": {}, \"target\": {}, \"runtime\": {}, \"prompt\": \"p\","
                + " \"verify\": {}, \"output\": {}, \"intent\": \"i\","
                + " \"shell\": {\"program\": \"echo\"}, \"approval\": {\"policy\": \"manual\"}}]}]}");
    Cli.Result v = cli.run("validate", m);
    assertThat(v).succeeds();
  }

  @Test
  void theAuditTrailRecordsTheManifestAndItsDigest() throws Exception {
    String m = cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "x"));
    cli.run("exec", m, "deploy");
    JsonNode e = cli.run("audit").json().path("events").get(1);
    assertEquals(m, e.path("details").path("manifest").asText(), e.toString());
    assertEquals(
        dev.agentcli.codec.Sha256.of(Files.readAllBytes(Path.of(m))),
        e.path("details").path("manifest_sha256").asText());
  }

  // 7. --ttl needs a unit.

  @Test
  void aTtlWithoutAUnitIsRefused() {
    String m = cli.manifest("m.json", Cli.oneTask(OPTIONAL, "echo", "x"));
    Cli.Result r =
        cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none", "--ttl", "15");
    assertThat(r).exits(2);
    assertEquals(
        0,
        cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none", "--ttl-s", "15")
            .status());
  }

  // 8. The demo is sealed.

  @Test
  void theDemoLeavesTheCallersTrustStoreAloneAndCleansUp() throws Exception {
    Path trust = home.resolve("my_allowed_signers");
    Files.writeString(trust, "");
    cli.env("AGENTCLI_ALLOWED_SIGNERS", trust.toString());
    cli.env("AGENTCLI_HOME", home.resolve("other").toString());
    Cli.Result r = cli.run("demo");
    assertThat(r).succeeds();
    assertEquals("", Files.readString(trust));
    assertTrue(r.out().contains("\n   deploying v1.2.3\n"), "the task's output, in its step: " + r);
    String line = r.out().lines().findFirst().orElseThrow();
    Path demoHome = Path.of(line.substring(line.indexOf(" in ") + 4));
    assertFalse(Files.exists(demoHome), "the demo's folder, keys included, is gone: " + demoHome);
    assertFalse(Files.exists(home.resolve("other")));
  }

  // Helpers.

  /** An operator configuration in the test's home, pinning everything there. */
  Path operatorConfig(boolean allowUnsigned) throws Exception {
    return operatorConfig(allowUnsigned, "");
  }

  /** The operator's configuration, with {@code extra} keys (JSON, each with a leading comma). */
  Path operatorConfig(boolean allowUnsigned, String extra) throws Exception {
    Files.createDirectories(home.resolve("manifests"));
    Path config = home.resolve("config.json");
    Files.writeString(
        config,
        "{\"database\": \""
            + cli.db
            + "\", \"allowed_signers\": \""
            + home.resolve("allowed_signers")
            + "\", \"manifests\": \""
            + home.resolve("manifests")
            + "\", \"allow_unsigned\": "
            + allowUnsigned
            + extra
            + "}");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    return config;
  }

  Grant grant(String id) {
    try (Database db = Database.open(cli.db, Duration.ofSeconds(5))) {
      return new JdbcApprovalStore(db).find(new ApprovalId(id)).orElseThrow();
    }
  }

  String status(String id) {
    return cli.run("approvals", "show", id).json().path("approval").path("status").asText();
  }

  /**
   * A grant for {@code template}'s exact binding, written straight into the database and signed by
   * {@code key} for {@code approver}: what a person with a trusted key could make without approve.
   */
  String forge(Grant template, String approver, Duration life, Path key) {
    Instant now = cli.now();
    Map<String, Object> forged = new HashMap<>();
    forged.put("approval_id", ApprovalId.random(new SecureRandom()).value());
    forged.put("approver", approver);
    forged.put("reason", "forged");
    forged.put("granted_at", Timestamps.format(now));
    forged.put("expires_at", Timestamps.format(now.plus(life)));
    forged.put("unsigned_explicit", false);
    forged.put("signature_method", null);
    forged.put("consumed_at", null);
    forged.put("revoked_at", null);
    Grant g = TestGrants.with(template, forged);
    g = TestGrants.signed(g, key);
    try (Database db = Database.open(cli.db, Duration.ofSeconds(5))) {
      new JdbcApprovalStore(db).insert(g);
    }
    return g.approvalId().value();
  }

  /**
   * sqlite-jdbc deletes stale copies of its native library from /tmp when it loads, and logs a
   * failure through java.util.logging when the shipped jar has no SLF4J: anyone who can write /tmp
   * (the agent) planted a folder under such a name, and every agentcli run then wrote a stack trace
   * on stderr, where an agent reads one line of JSON.
   */
  @Test
  void aFolderPlantedInTmpDoesNotGarbleTheErrorAnAgentReads() throws Exception {
    Path planted =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "sqlite-"
                + SQLiteJDBCLoader.getVersion()
                + "-agentcli-test-"
                + ProcessHandle.current().pid()
                + "-libsqlitejdbc.so");
    Files.createDirectories(planted.resolve("not-empty"));
    try {
      String m = cli.manifest("m.json", Cli.oneTask(OPTIONAL, "true"));
      Jvm.Done d = Jvm.run(home, "exec", m, "deploy");
      assertThat(d).fails(77, "approval_required");
      assertEquals(1, d.err().lines().count(), "one line of JSON on stderr: " + d.err());
    } finally {
      Files.delete(planted.resolve("not-empty"));
      Files.delete(planted);
    }
  }
}
