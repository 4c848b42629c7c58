package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agentcli serve} in its own JVM, asked by curl as Claude Code's http hook would ask it: the
 * same answers as the command hook, nothing for a caller without the token or naming another host,
 * a deny for whatever it cannot read, and a clean stop on SIGTERM.
 */
class ServeIT {
  @TempDir Path home;
  @TempDir Path work;
  Process server;
  Served served;
  String url;
  String token;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(home.resolve("rules.json"), ClaudeCodeEvents.RULES);
    served = Served.start(home);
    server = served.process();
    JsonNode started = served.started();
    url = started.path("url").asText();
    Path tokenFile = Path.of(started.path("token_file").asText());
    assertEquals(home.resolve("serve.token"), tokenFile);
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
    token = Files.readString(tokenFile).strip();
  }

  @AfterEach
  void stop() {
    server.destroyForcibly();
  }

  /** curl's status line and body for {@code path}, with {@code headers}, posting {@code body}. */
  Jvm.Done curl(String path, byte[] body, String... headers) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--max-time", "60"));
    for (String h : headers) {
      cmd.addAll(List.of("-H", h));
    }
    if (body != null) {
      cmd.addAll(List.of("--data-binary", "@-"));
    }
    cmd.add(url + path);
    return TestFiles.sh(Map.of(), body == null ? new byte[0] : body, cmd.toArray(String[]::new));
  }

  static int status(Jvm.Done d) {
    String out = d.out().strip();
    return Integer.parseInt(out.substring(out.lastIndexOf('\n') + 1));
  }

  static JsonNode body(Jvm.Done d) throws Exception {
    String out = d.out().strip();
    return ClaudeCodeEvents.JSON.readTree(out.substring(0, out.lastIndexOf('\n')));
  }

  JsonNode hook(byte[] event) throws Exception {
    Jvm.Done d = curl("/v1/hooks/claude-code", event, "Authorization: Bearer " + token);
    assertEquals(200, status(d), d.toString());
    return body(d);
  }

  static String decision(JsonNode answer) {
    return answer.path("hookSpecificOutput").path("permissionDecision").asText("none");
  }

  @Test
  void onlyACallerWithTheTokenOnALoopbackNameIsAnswered() throws Exception {
    assertEquals(401, status(curl("/v1/health", null)));
    assertEquals(401, status(curl("/v1/health", null, "Authorization: Bearer " + "x".repeat(64))));
    Jvm.Done health = curl("/v1/health", null, "Authorization: Bearer " + token);
    assertEquals(200, status(health), health.toString());
    assertEquals(server.pid(), body(health).path("pid").asLong());
    // A web page's request to a name of its own that resolves to 127.0.0.1 (DNS rebinding).
    Jvm.Done rebound =
        curl("/v1/health", null, "Authorization: Bearer " + token, "Host: attacker.example");
    assertEquals(421, status(rebound), rebound.toString());
    byte[] ls = ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, "ls -la"));
    assertEquals(401, status(curl("/v1/hooks/claude-code", ls)));
    assertFalse(Files.exists(home.resolve("state/agentcli.db")), "nothing was judged");
  }

  @Test
  void itAnswersAsTheCommandHookDoesAndFailsClosed() throws Exception {
    JsonNode allowed =
        hook(ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, "ls -la")));
    assertEquals("allow", decision(allowed), allowed.toString());
    JsonNode denied =
        hook(ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, "rm -rf /")));
    assertEquals("deny", decision(denied));
    assertTrue(denied.toString().contains("nothing is deleted with rm -rf"), denied.toString());
    assertEquals("deny", decision(hook("not json".getBytes(StandardCharsets.UTF_8))));
    byte[] huge = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    assertEquals("deny", decision(hook(huge)));
    // Nobody is told of a request: the user hears what to run, within seconds.
    JsonNode asked =
        hook(
            ClaudeCodeEvents.JSON.writeValueAsBytes(
                ClaudeCodeEvents.event(work, "git push origin main")));
    assertEquals("deny", decision(asked));
    assertTrue(asked.toString().contains("agentcli approve "), asked.toString());
    Cli cli = new Cli(home);
    assertEquals(1, cli.count("SELECT count(*) FROM requests"));
    assertEquals(
        3, cli.count("SELECT count(*) FROM audit_events WHERE event_type = 'command_judged'"));
  }

  /** The events in {@code sse} (Server-Sent Events) as "id type event_hash", comments skipped. */
  static List<String> events(String sse) throws Exception {
    List<String> seen = new ArrayList<>();
    for (String block : sse.split("\n\n")) {
      String id = null;
      String type = null;
      String hash = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonNode data = ClaudeCodeEvents.JSON.readTree(line.substring(6));
          assertEquals(id, data.path("id").asText(), block);
          hash = data.path("event_hash").asText();
        }
      }
      if (id != null) {
        seen.add(id + " " + type + " " + hash);
      }
    }
    return seen;
  }

  /** The trail as sqlite3 reads it, in the same form, after {@code after}. */
  List<String> trail(long after, String type) throws Exception {
    Jvm.Done d =
        TestFiles.sh(
            Map.of(),
            new byte[0],
            "sqlite3",
            home.resolve("state/agentcli.db").toString(),
            "SELECT id || ' ' || event_type || ' ' || event_hash FROM audit_events WHERE id > "
                + after
                + (type == null ? "" : " AND event_type = '" + type + "'")
                + " ORDER BY id");
    return d.out().lines().toList();
  }

  /** curl reading the event stream for {@code seconds}: everything it received. */
  Process stream(String query, int seconds, String... headers) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "curl",
                "-sSN",
                "--max-time",
                String.valueOf(seconds),
                "-H",
                "Authorization: Bearer " + token));
    for (String h : headers) {
      cmd.addAll(List.of("-H", h));
    }
    cmd.add(url + "/v1/events" + query);
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  static String received(Process curl) throws Exception {
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    curl.waitFor();
    return out;
  }

  @Test
  void theEventStreamIsTheTrailAsItGrowsAndResumesWhereTheClientLeftOff() throws Exception {
    Cli cli = new Cli(home);
    String m = cli.manifest("m.json", Cli.oneTask(MultiHostIT.UNSIGNED_OK, "true"));
    assertThat(cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none")).succeeds();
    assertThat(cli.run("exec", m, "deploy")).succeeds();
    List<String> all = trail(0, null);
    assertTrue(all.size() >= 3, all.toString());

    // From the start, live: an event committed while the client listens arrives too.
    Process live = stream("?since=0", 6);
    Thread.sleep(1500);
    assertThat(cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none")).succeeds();
    List<String> got = events(received(live));
    assertEquals(trail(0, null), got);
    assertTrue(got.size() > all.size(), "the approval made while streaming: " + got);

    // A client that reconnects with the last id it saw misses and repeats nothing.
    long first = Long.parseLong(all.get(0).split(" ")[0]);
    assertEquals(trail(first, null), events(received(stream("", 2, "Last-Event-ID: " + first))));
    assertEquals(trail(0, "grant_claim"), events(received(stream("?since=0&type=grant_claim", 2))));

    // What it cannot read is refused, with no stream.
    assertEquals(
        400, status(curl("/v1/events?type=nonsense", null, "Authorization: Bearer " + token)));
    assertEquals(400, status(curl("/v1/events?since=-1", null, "Authorization: Bearer " + token)));
    assertEquals(401, status(curl("/v1/events?since=0", null)));
  }

  /** curl's body and status line for {@code path} on the Unix socket, posting {@code body}. */
  static Jvm.Done overSocket(Path socket, String path, byte[] body) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of("curl", "-sS", "--unix-socket", socket.toString(), "-w", "\n%{http_code}"));
    if (body != null) {
      cmd.addAll(List.of("--data-binary", "@-"));
    }
    cmd.add("http://localhost" + path);
    return TestFiles.sh(Map.of(), body == null ? new byte[0] : body, cmd.toArray(String[]::new));
  }

  /** Issue 27: the hook on a Unix socket, no token: the file system says who may connect. */
  @Test
  void onItsUnixSocketTheOwnerIsAnsweredWithoutAToken() throws Exception {
    Path socket = home.resolve("run/serve.sock");
    Served other = Served.start(home, "--socket", socket.toString());
    try {
      assertEquals(socket.toString(), other.started().path("socket").asText());
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
      assertEquals(
          "rwx------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
      Jvm.Done health = overSocket(socket, "/v1/health", null);
      assertEquals(200, status(health), health.toString());
      assertEquals(other.process().pid(), body(health).path("pid").asLong());
      for (String[] call :
          new String[][] {{"ls -la", "allow"}, {"rm -rf /", "deny"}, {null, "deny"}}) {
        byte[] event =
            call[0] == null
                ? "not json".getBytes(StandardCharsets.UTF_8)
                : ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, call[0]));
        Jvm.Done d = overSocket(socket, "/v1/hooks/claude-code", event);
        assertEquals(200, status(d), d.toString());
        assertEquals(call[1], decision(body(d)), d.toString());
      }
      other.process().destroy(); // SIGTERM
      assertTrue(other.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
      assertFalse(Files.exists(socket), "the socket goes with the server");
    } finally {
      other.process().destroyForcibly();
    }
  }

  @Test
  void sigtermStopsItAndItsPortCloses() throws Exception {
    int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS), "it stops");
    assertEquals(143, server.exitValue());
    boolean refused = false;
    try (Socket s = new Socket("127.0.0.1", port)) {
      assertFalse(s.isConnected(), "nothing listens any more");
    } catch (ConnectException e) {
      refused = true;
    }
    assertTrue(refused);
  }

  /**
   * A browser's requests to the web inbox never take the threads the hook needs: with as many inbox
   * requests stuck reading their bodies as the server has HTTP threads (8 decisions at once by
   * default, and 4 more), a hook call is answered at once, not once the server's 10 s bound on
   * reading a request has cut them off (what happened while the inbox ran on the HTTP threads).
   */
  @Test
  void inboxRequestsStuckReadingTheirBodiesDoNotHoldUpTheHook() throws Exception {
    int port = URI.create(url).getPort();
    byte[] stuck =
        ("POST /inbox/login/begin HTTP/1.1\r\nHost: localhost:"
                + port
                + "\r\nOrigin: "
                + served.origin()
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            .getBytes(StandardCharsets.UTF_8);
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 12; i++) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write(stuck);
        s.getOutputStream().flush();
        slow.add(s);
      }
      Thread.sleep(
          500); // the server takes them up first (were it slower, the test could only pass)
      long start = System.nanoTime();
      JsonNode allowed =
          hook(ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, "ls -la")));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals("allow", decision(allowed), allowed.toString());
      assertTrue(ms < 8000, "answered after " + ms + " ms: it waited for the stuck inbox requests");
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void hookInstallPointsClaudeCodeAtTheRunningServerAndTheCommandHookOnceItStopped()
      throws Exception {
    Path settings = work.resolve(".claude/settings.local.json");
    Jvm.Done installed =
        Jvm.run(home, "hook", "install", "claude-code", "--settings", settings.toString());
    assertEquals(0, installed.status(), installed.toString());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)));
    JsonNode hook = firstHook(settings);
    assertEquals("http", hook.path("type").asText(), hook.toString());
    assertEquals("block", hook.path("onFailure").asText());
    assertEquals(url + "/v1/hooks/claude-code", hook.path("url").asText());
    // As Claude Code calls it: the URL and the headers the settings give.
    Jvm.Done asked =
        TestFiles.sh(
            Map.of(),
            ClaudeCodeEvents.JSON.writeValueAsBytes(ClaudeCodeEvents.event(work, "ls -la")),
            "curl",
            "-sS",
            "--data-binary",
            "@-",
            "-H",
            "Authorization: " + hook.path("headers").path("Authorization").asText(),
            hook.path("url").asText());
    assertEquals("allow", decision(ClaudeCodeEvents.JSON.readTree(asked.out())), asked.toString());
    Jvm.Done status =
        Jvm.run(home, "hook", "status", "claude-code", "--settings", settings.toString());
    assertEquals("http", ClaudeCodeEvents.JSON.readTree(status.out()).path("type").asText());
    assertTrue(
        ClaudeCodeEvents.JSON.readTree(status.out()).path("answers").asBoolean(), status.out());

    new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start().waitFor();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    assertFalse(Files.exists(home.resolve("serve.json")), "a stopped server is forgotten");
    status = Jvm.run(home, "hook", "status", "claude-code", "--settings", settings.toString());
    assertFalse(
        ClaudeCodeEvents.JSON.readTree(status.out()).path("answers").asBoolean(), status.out());
    Jvm.run(home, "hook", "install", "claude-code", "--settings", settings.toString());
    hook = firstHook(settings);
    assertEquals("command", hook.path("type").asText(), hook.toString());
    assertEquals(
        1,
        ClaudeCodeEvents.JSON.readTree(settings.toFile()).path("hooks").path("PreToolUse").size(),
        "the http hook was replaced, not kept beside");
  }

  /** The first PreToolUse hook in the Claude Code settings {@code file}. */
  static JsonNode firstHook(Path file) throws Exception {
    return ClaudeCodeEvents.JSON
        .readTree(file.toFile())
        .path("hooks")
        .path("PreToolUse")
        .get(0)
        .path("hooks")
        .get(0);
  }
}
