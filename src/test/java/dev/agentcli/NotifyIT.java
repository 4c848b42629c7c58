package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.agentcli.notify.Notifier;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifications to a real HTTP server on this machine: signed, retried, bounded, audited. */
class NotifyIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "a shared secret of the receiver";

  @TempDir Path home;
  Cli cli;
  HttpServer server;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  volatile long delayMs;

  record Received(String signature, String timestamp, String event, byte[] body) {}

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    Files.createDirectories(home);
    Files.writeString(home.resolve("webhook.key"), SECRET + "\n");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        x -> {
          byte[] body = x.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  x.getRequestHeaders().getFirst("X-Agentcli-Signature"),
                  x.getRequestHeaders().getFirst("X-Agentcli-Timestamp"),
                  x.getRequestHeaders().getFirst("X-Agentcli-Event"),
                  body));
          try {
            Thread.sleep(delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  void notifyTo(String url, String events) throws Exception {
    Files.writeString(
        home.resolve("notify.json"),
        "[{\"webhook\": \""
            + url
            + "\", \"secret_file\": \""
            + home.resolve("webhook.key")
            + "\""
            + (events == null ? "" : ", \"events\": " + events)
            + "}]");
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  String gated(String name) {
    return cli.manifest(
        name + ".json",
        TestManifest.task("deploy").runs("echo", name).approval("{\"policy\": \"manual\"}").json());
  }

  JsonNode events(String type) {
    JsonNode all = cli.run("audit", "--limit", "0").json().path("events");
    List<JsonNode> of = new java.util.ArrayList<>();
    all.forEach(
        e -> {
          if (e.path("event_type").asText().equals(type)) {
            of.add(e);
          }
        });
    return JSON.valueToTree(of);
  }

  /** Issue 28: with agentcli serve running, the message links to the request in its inbox. */
  @Test
  void theMessageLinksToTheRequestInTheInboxOfTheRunningServer() throws Exception {
    // What serve records when it starts (ServeCommand), its inbox behind a TLS proxy.
    Files.writeString(
        cli.home.resolve("serve.json"),
        "{\"url\": \"http://127.0.0.1:47650\", \"pid\": 1, \"token_file\": \"t\","
            + " \"inbox\": \"https://agentcli.example.com/inbox\"}");
    notifyTo(url(), null);
    String id = cli.run("request", gated("a"), "deploy").json().path("request_id").asText();
    Received r = received.poll(30, TimeUnit.SECONDS);
    assertTrue(r != null, "no POST: " + events("notification_failed"));
    assertEquals(
        "https://agentcli.example.com/inbox/requests/" + id,
        JSON.readTree(r.body()).path("actions").path("inbox").asText());
  }

  /** A run's start is announced when it commits, while the task runs, not when the run ends. */
  @Test
  void aRunsStartReachesTheReceiverWhileTheTaskStillRuns() throws Exception {
    notifyTo(url(), "[\"exec_started\"]");
    Path finished = home.resolve("finished");
    String slow =
        cli.manifest(
            "slow.json",
            Cli.oneTask(
                "{\"policy\": \"auto-approve\"}", "sh", "-c", "sleep 20; touch " + finished));
    Process exec = Jvm.agentcli(home, "exec", slow, "deploy");
    try {
      Received r = received.poll(60, TimeUnit.SECONDS);
      assertTrue(r != null, "no POST: " + events("notification_failed"));
      assertEquals("exec_started", r.event());
      assertFalse(Files.exists(finished), "the task is still running when its start is announced");
    } finally {
      exec.destroy();
      Jvm.await(exec);
    }
  }

  @Test
  void eachWaitingRequestReachesTheReceiverSignedWithWhatAPersonNeedsToDecide() throws Exception {
    notifyTo(url(), null);
    String a =
        cli.run("request", gated("a"), "deploy", "--reason", "ship a")
            .json()
            .path("request_id")
            .asText();
    String b = cli.run("request", gated("b"), "deploy").json().path("request_id").asText();
    for (String id : List.of(a, b)) {
      Received r = received.poll(30, TimeUnit.SECONDS);
      assertTrue(r != null, "no POST for request " + id + ": " + events("notification_failed"));
      assertEquals("approval_requested", r.event());
      // Computed here as the README's receiver does, not by agentcli's code.
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              SECRET.strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((r.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
      assertEquals(
          "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(r.body())),
          r.signature(),
          "the receiver can check the HMAC");
      JsonNode m = JSON.readTree(r.body());
      assertEquals(id, m.path("request").path("request_id").asText());
      assertEquals(
          "agentcli approve " + id + " --by <you>", m.path("actions").path("approve").asText());
      assertTrue(m.path("actions").path("deny").asText().startsWith("agentcli deny " + id));
      assertEquals("echo", m.path("request").path("command").path("program").asText());
      assertEquals(id.equals(a) ? "ship a" : "", m.path("request").path("reason").asText(""));
    }
    JsonNode sent = events("notification_sent");
    assertEquals(2, sent.size(), sent.toString());
    assertEquals(url(), sent.get(0).path("details").path("target").asText());
    assertEquals(true, received.isEmpty(), "one POST per request, no repeats");
  }

  @Test
  void aReceiverThatIsDownOrSlowDelaysACommandByTheBoundAtMostAndIsAudited() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String free = cli.manifest("free.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    Duration alone = timed(free); // the same exec with nobody to notify, on this machine now
    notifyTo("http://127.0.0.1:" + closed + "/hook", "[\"exec_finished\"]");
    Duration down = timed(free);
    JsonNode failed = events("notification_failed");
    assertEquals(1, failed.size(), failed.toString());

    delayMs = 30_000;
    notifyTo(url(), "[\"exec_finished\"]");
    Duration slow = timed(free);
    // Unbounded, a retried delivery would take 30 s, a slow receiver's answer 30 s: the bound,
    // plus generous room for a loaded machine (a CI run's three test JVMs), is far below either.
    Duration bound = alone.plus(Notifier.BOUND).plusSeconds(12);
    assertTrue(down.compareTo(bound) < 0, "a receiver that is down cost " + down);
    assertTrue(slow.compareTo(bound) < 0, "a slow receiver cost " + slow);
    assertTrue(
        events("notification_failed")
            .get(1)
            .path("details")
            .path("result")
            .asText()
            .contains("undelivered"));
  }

  Duration timed(String manifest) throws Exception {
    long start = System.nanoTime();
    assertThat(Jvm.run(home, "exec", manifest, "deploy")).succeeds();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aCommandGetsTheEventOnStdinAndABrokenTargetListIsAWarningNotAFailure() throws Exception {
    Path got = home.resolve("got.json");
    Files.writeString(
        home.resolve("notify.json"),
        "[{\"command\": [\"/bin/sh\", \"-c\", \"cat > " + got + "\"]}]");
    Cli.Result filed = cli.run("request", gated("c"), "deploy");
    assertThat(filed).succeeds();
    String id = filed.json().path("request_id").asText();
    JsonNode m = JSON.readTree(Files.readString(got));
    assertEquals("approval_requested", m.path("event_type").asText());
    assertEquals(id, m.path("request").path("request_id").asText());

    Files.writeString(home.resolve("notify.json"), "[{\"webhook\": \"ftp://x\"}]");
    Cli.Result r = cli.run("request", gated("d"), "deploy");
    assertThat(r)
        .succeeds()
        .errContains("no notifications sent")
        .errContains("http:// or https://");
  }
}
