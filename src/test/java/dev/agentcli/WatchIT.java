package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentcli watch} in its own process, as a dashboard would run it. */
class WatchIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;

  /** The lines {@code p} prints, as they come. */
  static BlockingQueue<JsonNode> lines(Process p) {
    BlockingQueue<JsonNode> q = new LinkedBlockingQueue<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  q.add(JSON.readTree(line));
                }
              } catch (Exception ended) {
                // the process was stopped
              }
            });
    t.setDaemon(true);
    t.start();
    return q;
  }

  static JsonNode next(BlockingQueue<JsonNode> q, String type) throws InterruptedException {
    while (true) {
      JsonNode e = q.poll(60, TimeUnit.SECONDS);
      assertNotNull(e, "no " + type + " event came");
      if (e.path("event_type").asText().equals(type)) {
        return e;
      }
    }
  }

  @Test
  void eventsStreamAsTheyCommitAnExpiryIncludedAndARestartMissesAndRepeatsNothing()
      throws Exception {
    Cli cli = new Cli(home).at(Instant.now());
    String m =
        cli.manifest(
            "m.json",
            TestManifest.task("deploy")
                .runs("echo", "hi")
                .approval("{\"policy\": \"manual\", \"request_timeout_s\": 2}")
                .json());
    String free = cli.manifest("free.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    Process watcher = Jvm.agentcli(home, "watch");
    BlockingQueue<JsonNode> q = lines(watcher);
    try {
      Started.awaitIdle(watcher); // the watcher starts before anything exists
      assertThat(cli.run("exec", free, "deploy")).succeeds();
      JsonNode finished = next(q, "exec_finished");
      assertThat(cli.at(Instant.now()).run("request", m, "deploy")).succeeds();
      JsonNode requested = next(q, "approval_requested");
      JsonNode expired = next(q, "request_expired");
      assertEquals(
          requested.path("details").path("request_id"), expired.path("details").path("request_id"));
      assertTrue(finished.path("id").asLong() < requested.path("id").asLong());
    } finally {
      watcher.destroy();
      watcher.waitFor(30, TimeUnit.SECONDS);
    }
    List<Long> before = new ArrayList<>();
    Jvm.Done all = Jvm.run(home, "watch", "--since", "0", "--once");
    all.out().lines().forEach(l -> before.add(read(l).path("id").asLong()));
    long last = before.get(before.size() - 1);

    assertThat(cli.at(Instant.now()).run("exec", free, "deploy")).succeeds();
    Jvm.Done resumed = Jvm.run(home, "watch", "--since", String.valueOf(last), "--once");
    List<Long> after = new ArrayList<>();
    resumed.out().lines().forEach(l -> after.add(read(l).path("id").asLong()));
    assertEquals(List.of(last + 1, last + 2), after, "exec_started and exec_finished, once each");
    for (int i = 1; i < before.size(); i++) {
      assertEquals(before.get(i - 1) + 1, before.get(i), "no event skipped");
    }
  }

  @Test
  void onlyTheAskedTypesAndClearErrors() throws Exception {
    Cli cli = new Cli(home);
    String free = cli.manifest("free.json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "true"));
    assertThat(cli.run("exec", free, "deploy")).succeeds();
    Cli.Result r = cli.run("watch", "--since", "0", "--once", "--type", "exec_finished");
    assertThat(r).succeeds();
    assertEquals(1, r.out().lines().count());
    assertEquals("exec_finished", read(r.out().strip()).path("event_type").asText());
    assertThat(cli.run("watch", "--type", "nothing")).fails(2, "usage_error");
    assertThat(cli.run("watch", "--since", "-1")).fails(2, "usage_error");
  }

  static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not a JSON line: " + line, e);
    }
  }
}
