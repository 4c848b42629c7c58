package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.signing.SshSignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signed grants against the real OpenSSH tools, both ways, and tampering through sqlite3. */
class SigningIT {
  @TempDir Path home;
  Cli cli;
  String manifest;
  Path key;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    manifest = cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "signed"));
    key = keygen("ed25519", "alice");
    trust("alice@example.com", key);
  }

  /** Runs a command, feeding it {@code stdin}; returns its status and output. */
  Path keygen(String type, String name, String... extra) throws Exception {
    Path k = home.resolve(name + "_" + type);
    List<String> cmd =
        new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-C", name, "-f", k.toString()));
    if (extra.length == 0) {
      cmd.addAll(List.of("-N", ""));
    }
    cmd.addAll(List.of(extra));
    Jvm.Done d = TestFiles.sh(Map.of(), new byte[0], cmd.toArray(String[]::new));
    assertThat(d).succeeds();
    return k;
  }

  void trust(String principal, Path k) {
    Cli.Result r = cli.run("signers", "add", principal, k + ".pub");
    assertThat(r).succeeds();
  }

  String approve(Path signingKey) {
    return cli.approveSigned(manifest, "deploy", "alice@example.com", signingKey);
  }

  String sqlite(String sql) throws Exception {
    Jvm.Done d = TestFiles.sh(Map.of(), new byte[0], "sqlite3", cli.db.toString(), sql);
    assertThat(d).succeeds();
    return d.out().trim();
  }

  String fingerprint(Path k) throws Exception {
    Jvm.Done d =
        TestFiles.sh(Map.of(), new byte[0], "ssh-keygen", "-l", "-E", "sha256", "-f", k + ".pub");
    return d.out().split(" ")[1];
  }

  @Test
  void signedGrantVerifiesAndRunsAndRecordsTheKey() throws Exception {
    String id = approve(key);
    JsonNode grant = cli.run("approvals", "show", id).json();
    JsonNode sig = grant.path("approval").path("signature");
    assertEquals("ssh-signature", sig.path("method").asText());
    assertEquals("agentcli", sig.path("namespace").asText());
    assertEquals(fingerprint(key), sig.path("key_fingerprint").asText());
    assertFalse(grant.path("approval").path("unsigned_explicit").asBoolean());
    assertTrue(grant.path("verification").path("valid").asBoolean(), grant.toString());
    assertEquals("alice@example.com", grant.path("verification").path("signer_principal").asText());

    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    assertEquals("signed\n", ran.json().path("result").path("stdout").asText());
    assertEquals(0, ran.json().path("rejected").size());
  }

  @Test
  void agentcliSignatureVerifiesWithSshKeygen() throws Exception {
    String id = approve(key);
    byte[] payload =
        cli.run("approvals", "show", id, "--payload").out().getBytes(StandardCharsets.UTF_8);
    Path sigFile = home.resolve("grant.sig");
    Files.writeString(
        sigFile,
        cli.run("approvals", "show", id)
            .json()
            .path("approval")
            .path("signature")
            .path("signature")
            .asText());
    Jvm.Done verified =
        TestFiles.sh(
            Map.of(),
            payload,
            "ssh-keygen",
            "-Y",
            "verify",
            "-n",
            "agentcli",
            "-I",
            "alice@example.com",
            "-f",
            home.resolve("allowed_signers").toString(),
            "-s",
            sigFile.toString());
    assertThat(verified).succeeds();
    Jvm.Done wrongPrincipal =
        TestFiles.sh(
            Map.of(),
            payload,
            "ssh-keygen",
            "-Y",
            "verify",
            "-n",
            "agentcli",
            "-I",
            "mallory@example.com",
            "-f",
            home.resolve("allowed_signers").toString(),
            "-s",
            sigFile.toString());
    assertTrue(wrongPrincipal.status() != 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
  void sshKeygenSignatureVerifiesInProcess(String type) throws Exception {
    Path k = keygen(type, "bob");
    byte[] message = "{\"any\":\"payload\"}".getBytes(StandardCharsets.UTF_8);
    Jvm.Done signed =
        TestFiles.sh(
            Map.of(),
            message,
            "ssh-keygen",
            "-q",
            "-Y",
            "sign",
            "-n",
            "agentcli",
            "-f",
            k.toString());
    assertThat(signed).succeeds();
    SshSignature sig = SshSignature.parseArmored(signed.out());
    assertTrue(sig.verifies(message, "agentcli"), type);
    assertFalse(
        sig.verifies("{\"any\":\"other\"}".getBytes(StandardCharsets.UTF_8), "agentcli"), type);
    assertFalse(sig.verifies(message, "git"), type);
    assertEquals(fingerprint(k), sig.publicKey().fingerprint());
    AllowedSigners trusted =
        AllowedSigners.parse(
            "bob namespaces=\"agentcli\" " + Files.readString(Path.of(k + ".pub")), "test");
    assertTrue(trusted.refusal("bob", sig.publicKey(), "agentcli", Instant.now(), false).isEmpty());
    assertTrue(
        trusted.refusal("alice", sig.publicKey(), "agentcli", Instant.now(), false).isPresent());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ecdsa", "rsa"})
  void grantsSignedWithOtherKeyTypesRun(String type) throws Exception {
    Path k = keygen(type, "alice2");
    trust("alice@example.com", k);
    approve(k);
    assertEquals(0, cli.run("exec", manifest, "deploy").status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "approver = 'mallory@example.com'",
        "reason = 'edited'",
        "expires_at = '2099-01-01T00:00:00.000Z'",
        "approver_scope = 'anyone'",
        "risk_level = 'low'",
        "task_binding = json_set(task_binding, '$.cwd', '/')",
        "unsigned_explicit = 1",
        "unsigned_explicit = 1, signature = NULL, signature_method = NULL, signed_payload = NULL,"
            + " signature_key_fingerprint = NULL, signature_namespace = NULL",
        "signature = replace(signature, 'A', 'B')"
      })
  void grantEditedInTheDatabaseIsRefusedNotConsumedAndAudited(String edit) throws Exception {
    String id = approve(key);
    sqlite("UPDATE grants SET " + edit + " WHERE approval_id = '" + id + "'");
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertEquals(77, r.status(), edit + "\n" + r);
    assertEquals("approval_signature_invalid", r.code(), edit);
    assertEquals(
        id, r.error().path("details").path("rejected").get(0).path("approval_id").asText());
    assertEquals(
        "", sqlite("SELECT ifnull(consumed_at, '') FROM grants WHERE approval_id = '" + id + "'"));
    assertEquals("0", sqlite("SELECT count(*) FROM consumptions"));
    assertEquals(
        "approval_signature_invalid",
        sqlite(
            "SELECT code FROM audit_events WHERE event_type = 'grant_rejected' AND approval_id = '"
                + id
                + "'"));
  }

  @Test
  void grantRepointedToAnotherTaskHashIsRefused() throws Exception {
    String id = approve(key);
    String changed =
        cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "something-else"));
    String newHash =
        cli.run("exec", changed, "deploy", "--dry-run")
            .json()
            .path("command")
            .path("task_hash")
            .asText();
    sqlite("UPDATE grants SET task_hash = '" + newHash + "' WHERE approval_id = '" + id + "'");
    Cli.Result r = cli.run("exec", changed, "deploy");
    assertThat(r).hasCode("approval_signature_invalid");
  }

  @Test
  void olderForgedGrantIsSkippedAndReportedWhileTheValidOneIsUsed() throws Exception {
    String forged = approve(key);
    cli.advance(java.time.Duration.ofSeconds(1));
    String valid = approve(key);
    sqlite("UPDATE grants SET reason = 'forged' WHERE approval_id = '" + forged + "'");
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).succeeds();
    assertEquals(valid, r.json().path("approval_used").path("approval_id").asText());
    assertEquals(forged, r.json().path("rejected").get(0).path("approval_id").asText());
    assertEquals(
        "pending",
        cli.run("approvals", "show", forged).json().path("approval").path("status").asText());
    Cli.Result verify = cli.run("approvals", "verify", "--all");
    assertThat(verify).exits(77);
    assertEquals(1, verify.json().path("invalid").asInt());
  }

  @Test
  void keyRemovedFromAllowedSignersNoLongerVerifies() throws Exception {
    String id = approve(key);
    assertEquals(0, cli.run("signers", "remove", "alice@example.com").status());
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).hasCode("approval_signature_invalid");
    assertTrue(r.error().path("error").asText().contains("not in allowed_signers"), r.toString());
    Cli.Result verify = cli.run("approvals", "verify", id);
    assertThat(verify).exits(77);
  }

  @Test
  void keyAllowedForAnotherPrincipalIsRefused() throws Exception {
    approve(key);
    Files.writeString(
        home.resolve("allowed_signers"),
        "bob@example.com " + Files.readString(Path.of(key + ".pub")));
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).hasCode("approval_signature_invalid");
    assertTrue(
        r.error()
            .path("error")
            .asText()
            .contains("is trusted as 'bob@example.com', not as 'alice@example.com'"),
        r.toString());
  }

  @Test
  void approvingWithAKeyTrustedAsSomeoneElseSaysSoAndDoesNotSuggestWideningTrust()
      throws Exception {
    Files.writeString(
        home.resolve("allowed_signers"),
        "bob@example.com " + Files.readString(Path.of(key + ".pub")));
    Cli.Result r =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "alice@example.com",
            "--signing-key",
            key.toString());
    assertThat(r).fails(77, "approval_signature_invalid");
    assertTrue(r.error().path("error").asText().contains("trusted as 'bob@example.com'"), r.err());
    assertTrue(r.error().path("details").path("hint").isMissingNode(), r.err());
  }

  @Test
  void keyAllowedForAnotherNamespaceIsRefused() throws Exception {
    approve(key);
    Files.writeString(
        home.resolve("allowed_signers"),
        "alice@example.com namespaces=\"git\" " + Files.readString(Path.of(key + ".pub")));
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).hasCode("approval_signature_invalid");
    assertTrue(r.error().path("error").asText().contains("namespace"), r.toString());
  }

  @Test
  void signatureMadeInAnotherNamespaceIsRefused() throws Exception {
    String id = approve(key);
    byte[] payload =
        cli.run("approvals", "show", id, "--payload").out().getBytes(StandardCharsets.UTF_8);
    Jvm.Done gitSig =
        TestFiles.sh(
            Map.of(), payload, "ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", key.toString());
    sqlite("UPDATE grants SET signature = '" + gitSig.out() + "' WHERE approval_id = '" + id + "'");
    assertEquals("approval_signature_invalid", cli.run("exec", manifest, "deploy").code());
  }

  @Test
  void approvingWithAnUntrustedKeyWritesNothing() throws Exception {
    Path stranger = keygen("ed25519", "stranger");
    Cli.Result r =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "alice@example.com",
            "--signing-key",
            stranger.toString());
    assertThat(r).fails(77, "approval_signature_invalid");
    assertTrue(r.error().path("details").path("hint").asText().contains("signers add"));
    assertEquals(0, cli.run("approvals", "list").json().path("count").asInt());
    Cli.Result missing =
        cli.run(
            "approve",
            manifest,
            "deploy",
            "--by",
            "alice@example.com",
            "--signing-key",
            home.resolve("nope").toString());
    assertThat(missing).fails(66, "signing_key_not_found"); // the caller's file, not a refusal
    assertEquals(0, cli.run("approvals", "list").json().path("count").asInt());
  }

  @Test
  void defaultKeyComesFromTheEnvironmentOrHomeSsh() throws Exception {
    cli.env("AGENTCLI_SIGNING_KEY", key.toString());
    assertEquals(0, cli.run("approve", manifest, "deploy", "--by", "alice@example.com").status());
    cli.env("AGENTCLI_SIGNING_KEY", "");
    Files.createDirectories(home.resolve(".ssh"));
    Files.copy(key, home.resolve(".ssh/id_ed25519"));
    assertEquals(0, cli.run("approve", manifest, "deploy", "--by", "alice@example.com").status());
  }

  @Test
  void passphraseProtectedKeySignsThroughSshAgent() throws Exception {
    Path locked = keygen("ed25519", "locked", "-N", "correct horse");
    trust("alice@example.com", locked);
    Path sock = home.resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).start();
    try {
      for (int i = 0; i < 100 && !Files.exists(sock); i++) {
        Thread.sleep(50);
      }
      Path askpass = home.resolve("askpass.sh");
      Files.writeString(askpass, "#!/bin/sh\necho 'correct horse'\n");
      askpass.toFile().setExecutable(true);
      Jvm.Done added =
          TestFiles.sh(
              Map.of(
                  "SSH_AUTH_SOCK",
                  sock.toString(),
                  "SSH_ASKPASS",
                  askpass.toString(),
                  "SSH_ASKPASS_REQUIRE",
                  "force",
                  "DISPLAY",
                  ":0"),
              new byte[0],
              "ssh-add",
              locked.toString());
      assertThat(added).succeeds();
      cli.env("SSH_AUTH_SOCK", sock.toString());
      Cli.Result r =
          cli.run(
              "approve",
              manifest,
              "deploy",
              "--by",
              "alice@example.com",
              "--signing-key",
              locked + ".pub");
      assertThat(r).succeeds();
      assertEquals(
          fingerprint(locked),
          r.json().path("approval").path("signature").path("key_fingerprint").asText());
      assertEquals(0, cli.run("exec", manifest, "deploy").status());
    } finally {
      agent.destroyForcibly();
    }
  }

  @Test
  void signersAreListedAndRemovedByKey() throws IOException {
    JsonNode list = cli.run("signers", "list").json();
    assertEquals(1, list.path("count").asInt());
    assertEquals("[\"agentcli\"]", list.path("signers").get(0).path("namespaces").toString());
    Cli.Result again = cli.run("signers", "add", "alice@example.com", key + ".pub");
    assertThat(again).hasCode("input_invalid");
    assertEquals("signer_not_found", cli.run("signers", "remove", "nobody").code());
    assertEquals(
        "signer_not_found",
        cli.run("signers", "remove", "alice@example.com", "--key", "SHA256:nope").code());
    assertEquals(
        0,
        cli.run(
                "signers",
                "remove",
                "alice@example.com",
                "--key",
                list.path("signers").get(0).path("key_fingerprint").asText())
            .status());
    assertEquals(0, cli.run("signers", "list").json().path("count").asInt());
    JsonNode events = cli.run("audit").json().path("events");
    assertEquals(
        "signer_added", events.get(1).path("event_type").asText(), "trust changes are audited");
    assertEquals("signer_removed", events.get(events.size() - 1).path("event_type").asText());
    Files.writeString(home.resolve("bad.pub"), "not a key");
    assertEquals(
        "input_invalid", cli.run("signers", "add", "x", home.resolve("bad.pub").toString()).code());
  }

  @Test
  void brokenAllowedSignersFailsClosed() throws Exception {
    approve(key);
    Files.writeString(
        home.resolve("allowed_signers"),
        "alice@example.com ssh-ed25519 !!notbase64\n",
        java.nio.file.StandardOpenOption.APPEND);
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).fails(65, "allowed_signers_invalid");
    assertEquals("0", sqlite("SELECT count(*) FROM consumptions"));
  }
}
