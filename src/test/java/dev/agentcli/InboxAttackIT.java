package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentcli.signing.PasskeySignature;
import dev.agentcli.signing.SoftwarePasskey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web inbox tried as an attacker would, with the JDK's HTTP client and software passkeys
 * (InboxIT has the browser): a forged form without the CSRF token, an oversized or unreadable body,
 * markup in every field a request carries, a session of one principal signing with another's
 * passkey, an assertion replayed onto another request. Each is refused and changes nothing.
 */
class InboxAttackIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  Process server;
  String origin;
  Cli cli;
  String manifest;
  final SoftwarePasskey alice = new SoftwarePasskey();
  final SoftwarePasskey bob = new SoftwarePasskey();
  final HttpClient http = HttpClient.newHttpClient();

  InboxAttackIT() throws Exception {}

  @BeforeEach
  void start() throws Exception {
    Served served = Served.start(home);
    server = served.process();
    origin = served.origin();
    // Enrolled as the inbox would have enrolled them.
    Files.writeString(
        home.resolve("allowed_passkeys"),
        alice.line("alice", origin, "") + "\n" + bob.line("bob", origin, "") + "\n");
    cli = new Cli(home).at(Instant.now());
    manifest =
        cli.manifest(
            "m.json",
            """
            {"version": "0.2", "workflows": [{"id": "w", "tasks": [
              {"id": "deploy", "shell": {"program": "echo",
                 "args": ["<script>alert(1)</script>"], "env": {"X": "<img src=x onerror=alert(2)>"}},
               "approval": {"policy": "manual"}},
              {"id": "other", "shell": {"program": "echo", "args": ["other"]},
               "approval": {"policy": "manual"}}
            ]}]}
            """);
  }

  @AfterEach
  void stop() {
    server.destroyForcibly();
  }

  String request(String task, String reason) {
    return cli.run("request", manifest, task, "--reason", reason)
        .json()
        .path("request_id")
        .asText();
  }

  /** A signed-in browser: its session cookie and its page's CSRF token. */
  record Session(String cookie, String csrf) {}

  HttpResponse<String> post(String path, String body, Session s, String csrf) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(origin + path))
            .header("Origin", origin)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (s != null) {
      b.header("Cookie", s.cookie());
    }
    if (csrf != null) {
      b.header("X-CSRF-Token", csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, Session s) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(origin + path)).header("Cookie", s.cookie()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** What a browser posts to finish a ceremony: the passkey's answer to {@code options}. */
  String answer(JsonNode options, SoftwarePasskey key) throws Exception {
    PasskeySignature a =
        key.assertion(
            Base64.getUrlDecoder().decode(options.path("challenge").asText()),
            origin,
            SoftwarePasskey.USER_PRESENT | SoftwarePasskey.USER_VERIFIED);
    com.fasterxml.jackson.databind.node.ObjectNode m =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(a.json());
    m.put("ticket", options.path("ticket").asText());
    return JSON.writeValueAsString(m);
  }

  Session signIn(String principal, SoftwarePasskey key) throws Exception {
    JsonNode options =
        JSON.readTree(
            post("/inbox/login/begin", "{\"principal\": \"" + principal + "\"}", null, null)
                .body());
    HttpResponse<String> done = post("/inbox/login/finish", answer(options, key), null, null);
    assertEquals(true, JSON.readTree(done.body()).path("ok").asBoolean(), done.body());
    String cookie = done.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    Session bare = new Session(cookie, null);
    Matcher csrf =
        Pattern.compile("<meta name=\"csrf\" content=\"([^\"]+)\">")
            .matcher(get("/inbox", bare).body());
    assertTrue(csrf.find());
    return new Session(cookie, csrf.group(1));
  }

  JsonNode begin(Session s, String requestId) throws Exception {
    return JSON.readTree(
        post("/inbox/requests/" + requestId + "/approve/begin", "{\"uses\": \"1\"}", s, s.csrf())
            .body());
  }

  JsonNode finish(Session s, String requestId, String answer) throws Exception {
    return JSON.readTree(
        post("/inbox/requests/" + requestId + "/approve/finish", answer, s, s.csrf()).body());
  }

  String status(String requestId) {
    return cli.run("requests", "show", requestId).json().path("request").path("status").asText();
  }

  @Test
  void aForgedFormAnOversizedBodyAndMarkupInTheRequestGetNowhere() throws Exception {
    String id = request("deploy", "<script>alert(3)</script>");
    Session s = signIn("alice", alice);
    String path = "/inbox/requests/" + id + "/approve/begin";
    assertEquals(403, post(path, "{}", s, null).statusCode(), "no CSRF token");
    assertEquals(403, post(path, "{}", s, "forged").statusCode(), "a wrong CSRF token");
    assertEquals(
        413,
        post("/inbox/login/begin", "{\"p\": \"" + "x".repeat(70_000) + "\"}", null, null)
            .statusCode());
    assertEquals(400, post("/inbox/login/begin", "not json", null, null).statusCode());
    assertEquals("pending", status(id));

    for (String page : new String[] {"/inbox", "/inbox/requests/" + id}) {
      HttpResponse<String> r = get(page, s);
      assertEquals(200, r.statusCode());
      assertFalse(r.body().contains("<script>alert") || r.body().contains("<img src=x"), r.body());
      assertTrue(r.body().contains("&lt;script&gt;alert("), r.body());
      assertTrue(
          r.headers()
              .firstValue("Content-Security-Policy")
              .orElse("")
              .contains("script-src 'self'"));
    }
  }

  @Test
  void aSessionSignsOnlyAsItsOwnPrincipal() throws Exception {
    String id = request("deploy", "ship");
    JsonNode asAlice =
        JSON.readTree(post("/inbox/login/begin", "{\"principal\": \"alice\"}", null, null).body());
    JsonNode refused =
        JSON.readTree(post("/inbox/login/finish", answer(asAlice, bob), null, null).body());
    assertEquals(false, refused.path("ok").asBoolean(), "bob's passkey does not sign alice in");

    Session s = signIn("alice", alice);
    JsonNode options = begin(s, id);
    JsonNode done = finish(s, id, answer(options, bob));
    assertEquals(false, done.path("ok").asBoolean(), done.toString());
    assertTrue(
        done.path("error").asText().contains("trusted as 'bob', not as 'alice'"), done.toString());
    assertEquals("pending", status(id));
    assertEquals(0, cli.count("SELECT count(*) FROM grants"));

    // Nor does bob's session take over alice's ceremony.
    Session bobs = signIn("bob", bob);
    JsonNode alices = begin(s, id);
    JsonNode stolen = finish(bobs, id, answer(alices, bob));
    assertEquals(false, stolen.path("ok").asBoolean(), stolen.toString());
    assertEquals("pending", status(id));
  }

  @Test
  void anAssertionReplayedOntoAnotherRequestIsRefused() throws Exception {
    String first = request("deploy", "ship");
    String second = request("other", "also");
    Session s = signIn("alice", alice);
    JsonNode forFirst = begin(s, first);
    String signedForFirst = answer(forFirst, alice);
    JsonNode forSecond = begin(s, second);
    // The first request's signature, posted as the answer to the second one's ceremony.
    String replayed =
        signedForFirst.replace(forFirst.path("ticket").asText(), forSecond.path("ticket").asText());
    JsonNode refused = finish(s, second, replayed);
    assertEquals(false, refused.path("ok").asBoolean(), refused.toString());
    assertTrue(refused.path("error").asText().contains("challenge"), refused.toString());
    assertEquals("pending", status(second));

    JsonNode approved = finish(s, first, signedForFirst);
    assertEquals(true, approved.path("ok").asBoolean(), approved.toString());
    assertEquals("approved", status(first));
    assertEquals("pending", status(second));
  }
}
