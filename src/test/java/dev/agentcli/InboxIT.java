package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28's inbox in a real browser: Debian's chromium, headless, with a WebAuthn virtual
 * authenticator, driven by puppeteer-core (pinned by src/test/browser/package-lock.json) against
 * {@code agentcli serve} in its own JVM. A person enrols a passkey through a one-time link, signs
 * in, sees what the agent asked for (escaped), approves one request and denies another; the agent's
 * exec then runs on the grant the passkey signed, and the signature is checked offline.
 */
class InboxIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path BROWSER = Path.of("target/browser-test");

  @TempDir Path home;
  Process server;
  String origin;

  @BeforeAll
  static void installTheDriver() throws Exception {
    Files.createDirectories(BROWSER);
    for (String f : List.of("package.json", "package-lock.json", "inbox.mjs")) {
      Files.copy(
          Path.of("src/test/browser", f), BROWSER.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(BROWSER.resolve("node_modules/puppeteer-core"))) {
      Path log = BROWSER.resolve("npm-ci.log");
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
              .directory(BROWSER.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertTrue(npm.waitFor(10, TimeUnit.MINUTES), "npm ci took too long");
      assertEquals(0, npm.exitValue(), "npm ci failed: " + Files.readString(log));
    }
  }

  @BeforeEach
  void start() throws Exception {
    Served served = Served.start(home);
    server = served.process();
    origin = served.origin();
    assertTrue(origin.startsWith("http://localhost:"), origin);
  }

  @AfterEach
  void stop() {
    server.destroyForcibly();
  }

  JsonNode browse(Map<String, Object> plan) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("node", "inbox.mjs", JSON.writeValueAsString(plan))
            .directory(BROWSER.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    Jvm.Done d = Jvm.await(pb.start());
    assertEquals(0, d.status(), d.toString());
    JsonNode seen = JSON.readTree(d.out());
    assertTrue(seen.path("error").isMissingNode(), seen.path("error").asText());
    return seen;
  }

  Jvm.Done curl(String path, String... headers) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST"));
    for (String h : headers) {
      cmd.addAll(List.of("-H", h));
    }
    cmd.addAll(List.of("--data-binary", "{\"principal\": \"alice\"}", origin + path));
    return TestFiles.sh(Map.of(), new byte[0], cmd.toArray(String[]::new));
  }

  /** The ids of the pending requests, once {@code n} agents in other processes have filed them. */
  static List<String> pending(Cli cli, int n) throws Exception {
    for (int i = 0; i < 1200; i++) {
      JsonNode list = cli.run("requests", "list", "--status", "pending").json().path("requests");
      if (list.size() == n) {
        List<String> ids = new java.util.ArrayList<>();
        list.forEach(r -> ids.add(r.path("request_id").asText()));
        return ids;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the agents never asked");
  }

  String enrolLink(Cli cli, String principal) {
    Cli.Result link = cli.run("signers", "enrol-passkey", principal, "--origin", origin);
    assertThat(link).succeeds();
    return link.json().path("link").asText();
  }

  @Test
  void peopleEnrolPasskeysAndDecideFromAPhoneWhileTheAgentsWait() throws Exception {
    Cli cli = new Cli(home).at(Instant.now());
    String m =
        cli.manifest(
            "m.json",
            """
            {"version": "0.2", "workflows": [{"id": "w", "tasks": [
              {"id": "deploy", "shell": {"program": "echo", "args": ["deployed"]},
               "approval": {"policy": "manual", "risk_level": "high", "quorum": 2}},
              {"id": "wipe", "shell": {"program": "rm", "args": ["-rf", "build"]},
               "approval": {"policy": "manual"}}
            ]}]}
            """);
    // Two agents wait; one's reason would read backwards on a screen, and carries markup.
    Process deploying =
        Jvm.agentcli(home, "exec", m, "deploy", "--wait", "3m", "--reason", "ship <b>it</b>");
    String deploy = pending(cli, 1).get(0);
    Process wiping =
        Jvm.agentcli(
            home,
            "exec",
            m,
            "wipe",
            "--wait",
            "3m",
            "--reason",
            "tidy \u202eetad\u200b<script>x()</script>");
    String wipe =
        pending(cli, 2).stream().filter(id -> !id.equals(deploy)).findFirst().orElseThrow();

    JsonNode seen =
        browse(
            Map.of(
                "inbox",
                origin + "/inbox",
                "width",
                390,
                "screenshots",
                BROWSER.toAbsolutePath().toString(),
                "people",
                List.of(
                    Map.of(
                        "principal", "alice",
                        "enrol", enrolLink(cli, "alice"),
                        "approve", List.of(deploy),
                        "deny", List.of(Map.of("id", wipe, "reason", "not today")),
                        "shoot", true),
                    Map.of(
                        "principal", "bob",
                        "enrol", enrolLink(cli, "bob"),
                        "approve", List.of(deploy)))));

    JsonNode alice = seen.at("/people/0");
    assertEquals("Your passkey now approves as alice", alice.path("enrolled").asText());
    assertEquals(404, alice.path("enrolAgain").asInt(), "the link works once");
    assertTrue(alice.path("csp").asText().contains("script-src 'self'"), seen.toString());
    String list = alice.path("list").asText();
    assertTrue(list.contains("Pending for alice (2)"), list);
    assertTrue(list.contains(deploy.substring(0, 8)) && list.contains(wipe.substring(0, 8)), list);
    assertTrue(alice.path("listFits").asBoolean(), "nothing wider than a phone's screen");
    // What the agent sent is shown as text, escaped: no reordering character, no markup.
    assertFalse(list.contains("\u202e") || list.contains("\u200b"), list);
    assertTrue(list.contains("tidy \\u202eetad\\u200b<script>x()</script>"), list);
    assertTrue(list.contains("ship <b>it</b>"), list);
    assertTrue(alice.at("/steps/0/what").asText().contains("runs      /usr/bin/echo"), list);
    assertTrue(alice.at("/steps/0/fits").asBoolean(), "the request page fits a phone too");
    assertTrue(list.contains("risk not set"), list);
    assertTrue(
        alice.at("/steps/1/status").asText().startsWith("Approved request " + deploy + " as alice"),
        alice.toString());
    assertEquals("Denied request " + wipe + " as alice", alice.at("/steps/2/status").asText());
    assertTrue(alice.path("listAfter").asText().contains("Pending for alice (0)"));
    JsonNode bob = seen.at("/people/1");
    assertTrue(bob.path("list").asText().contains("Pending for bob (1)"), bob.toString());
    assertTrue(bob.at("/steps/1/status").asText().startsWith("Approved request " + deploy));

    // The waiting agents hear: one runs on the quorum's grant, the other is refused with why.
    Jvm.Done ran = Jvm.await(deploying);
    assertThat(ran).succeeds();
    JsonNode result = JSON.readTree(ran.out());
    assertEquals("deployed\n", result.path("result").path("stdout").asText());
    Jvm.Done refused = Jvm.await(wiping);
    assertThat(refused).fails(77, "approval_denied");
    assertTrue(refused.err().contains("not today"), refused.err());

    // Offline, in a fresh process with only the trust store: the quorum's grant verifies.
    String grant = result.path("approval_used").path("approval_id").asText();
    assertThat(Jvm.run(home, "approvals", "verify", grant)).succeeds();

    // Independently of agentcli's verifier: the browser signed a challenge that is the SHA-256
    // of exactly the grant's payload, at the inbox's origin, with the user verified (risk high).
    JsonNode signature =
        cli.run("approvals", "show", grant).json().path("approval").path("signature");
    assertEquals("webauthn", signature.path("method").asText(), signature.toString());
    JsonNode stored = JSON.readTree(signature.path("signature").asText());
    Base64.Decoder b64 = Base64.getUrlDecoder();
    JsonNode clientData = JSON.readTree(b64.decode(stored.path("client_data_json").asText()));
    String payload = cli.run("approvals", "show", grant, "--payload").out();
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.UTF_8));
    assertEquals(
        Base64.getUrlEncoder().withoutPadding().encodeToString(digest),
        clientData.path("challenge").asText());
    assertEquals(origin, clientData.path("origin").asText());
    assertEquals("webauthn.get", clientData.path("type").asText());
    byte flags = b64.decode(stored.path("authenticator_data").asText())[32];
    assertEquals(0x05, flags & 0x05, "user present and verified");
    // Both enrolments are in the trust store and its audit trail; a removal is too.
    JsonNode passkeys = cli.run("signers", "list").json().path("passkeys");
    assertEquals(2, passkeys.size(), passkeys.toString());
    assertEquals(origin, passkeys.get(0).path("origin").asText());
    assertThat(cli.run("signers", "remove", "bob")).succeeds();
    assertEquals(
        2, cli.count("SELECT count(*) FROM audit_events WHERE event_type = 'signer_added'"));
    assertEquals(
        1, cli.count("SELECT count(*) FROM audit_events WHERE event_type = 'signer_removed'"));
    assertEquals(1, cli.run("signers", "list").json().path("passkeys").size());
    for (String shot : List.of("list-390", "list-1280", "request-390", "request-1280")) {
      assertTrue(Files.size(BROWSER.resolve("inbox-" + shot + ".png")) > 1000, shot);
    }
  }

  @Test
  void theInboxTakesPostsFromItsOwnOriginAndHostOnly() throws Exception {
    assertEquals("403", curl("/inbox/login/begin").out(), "no Origin header");
    assertEquals("403", curl("/inbox/login/begin", "Origin: https://evil.example").out());
    assertEquals(
        "421",
        curl("/inbox/login/begin", "Origin: " + origin, "Host: evil.example").out(),
        "DNS rebinding");
    assertEquals("200", curl("/inbox/login/begin", "Origin: " + origin).out());
    assertEquals(
        "401",
        curl("/inbox/requests/0123456789abcdef/approve/begin", "Origin: " + origin).out(),
        "no session");
  }
}
