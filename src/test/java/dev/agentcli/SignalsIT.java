package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issues 11 and 24: a run stopped by Ctrl-C, a signal or a timeout stops its whole process tree and
 * records the interruption; many mixed runs leave no process behind and one start and one end per
 * grant used. Real process trees, checked in /proc.
 */
class SignalsIT extends RunnerHarness {
  // 3. Ctrl-C, and SIGTERM.

  /**
   * Issue 24, finding 7: Ctrl-C to the group right after a task started orphaned its background job
   * (which ignores SIGINT, as a non-interactive shell's do) before the tree watch had seen it,
   * about one time in three; it survived. Ten runs here; {@code -Dagentcli.test.full=true} for the
   * issue's fifty.
   */
  @Test
  void ctrlCRightAfterTheStartLeavesNoBackgroundJobRunning() throws Exception {
    Path child = home.resolve("child.pid");
    String m = shTask("bg", "sleep 297 & echo $! > " + child + "; wait");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Long> survived = new ArrayList<>();
    int runs = Scale.of(10, 50);
    for (int run = 0; run < runs; run++) {
      Files.deleteIfExists(child);
      List<String> cmd = new ArrayList<>(List.of("setsid"));
      cmd.addAll(agentcli(java, List.of(), "exec", m, "deploy").command());
      Process p = withCliEnvironment(new ProcessBuilder(cmd)).start();
      long sleeper = pidIn(child);
      new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).start().waitFor();
      await(p);
      for (int i = 0; i < 60 && alive(sleeper); i++) {
        Thread.sleep(50);
      }
      if (alive(sleeper)) {
        survived.add(sleeper);
        ProcessHandle.of(sleeper).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    assertEquals(List.of(), survived, "background jobs left running after Ctrl-C");
  }

  @ParameterizedTest
  @ValueSource(strings = {"INT-to-group", "TERM-to-agentcli", "HUP-to-agentcli"})
  void aSignalStopsTheTreeRecordsTheInterruptionAndKeepsTheOutput(String how) throws Exception {
    String signal = how.substring(0, how.indexOf('-'));
    Path child = home.resolve("child.pid");
    String m =
        shTask(
            "sig",
            "echo partial-out; echo partial-err >&2; sleep 300 & echo $! > " + child + "; wait");
    List<String> cmd = new ArrayList<>(List.of("setsid"));
    cmd.addAll(
        agentcli(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                List.of(),
                "exec",
                m,
                "deploy")
            .command());
    Process p = withCliEnvironment(new ProcessBuilder(cmd)).start();
    long sleeper = pidIn(child);
    Thread.sleep(300);
    String target = how.endsWith("group") ? "-" + p.pid() : String.valueOf(p.pid());
    new ProcessBuilder("kill", "-" + signal, "--", target).inheritIO().start().waitFor();
    Raw r = await(p);
    int number = signal.equals("INT") ? 2 : signal.equals("HUP") ? 1 : 15;
    assertEquals(128 + number, r.status(), r.toString());
    JsonNode result = r.json().path("result");
    assertTrue(result.path("interrupted").asBoolean(), r.toString());
    assertEquals(signal, result.path("signal").asText());
    assertEquals("partial-out\n", result.path("stdout").asText());
    assertEquals("partial-err\n", result.path("stderr").asText());
    eventually(() -> !alive(sleeper), "the task's child " + sleeper + " is gone");
    JsonNode events = cli.run("audit", "--limit", "1").json().path("events");
    assertEquals("exec_interrupted", events.get(0).path("event_type").asText());
    assertEquals(signal, events.get(0).path("details").path("signal").asText());
  }

  // 4. A timeout stops the whole tree, even what ignores SIGTERM and was re-parented.

  @Test
  void aTimeoutStopsAGrandchildThatIgnoresTermAfterItsParentDied() throws Exception {
    Path pid = home.resolve("stubborn.pid");
    String m =
        shTask(
            "stubborn",
            "sh -c 'trap \"\" TERM; echo $$ > " + pid + "; exec sleep 300' & sleep 300");
    Cli.Result r = cli.run("exec", m, "deploy", "--timeout", "1000");
    assertThat(r).exits(124);
    long stubborn = pidIn(pid);
    eventually(() -> !alive(stubborn), "the TERM-ignoring grandchild " + stubborn + " is gone");
  }

  /**
   * A daemon that double-forks into a session of its own and ignores SIGTERM; its intermediate
   * parent lives long enough (0.5 s) to be seen by the tree's watch, which looks every 50 ms (a
   * fork orphaned faster than that escapes: see the README).
   */
  @Test
  void aTimeoutStopsADoubleForkedDaemonInItsOwnSession() throws Exception {
    Path pid = home.resolve("daemon.pid");
    String m =
        shTask(
            "daemon",
            "(setsid sh -c 'trap \"\" TERM; echo $$ > "
                + pid
                + "; exec sleep 300' & sleep 0.5) & sleep 300");
    Cli.Result r = cli.run("exec", m, "deploy", "--timeout", "1000");
    assertThat(r).exits(124);
    long daemon = pidIn(pid);
    eventually(() -> !alive(daemon), "the daemon " + daemon + " is gone");
  }

  // The soak: short gated tasks (60; 200 with -Dagentcli.test.full=true) with mixed outputs,
  // timeouts and signals.

  @Test
  void mixedRunsLeaveNoProcessAndOneStartAndOneEndPerConsumedGrant() throws Exception {
    int runs = Scale.of(60, 200); // the two hundred with -Dagentcli.test.full=true
    // Every process of every task carries the token in its environment (/proc/<pid>/environ).
    String token = "agentcli-soak-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String approval = "{\"policy\": \"manual\", \"signature\": \"optional\"}";
    List<String> kinds = List.of("quiet", "fails", "noisy", "slow", "tree", "signalled");
    Map<String, String> scripts =
        Map.of(
            "quiet", "true",
            "fails", "echo out; exit 3",
            "noisy", "head -c 70000 /dev/zero >&2; head -c 300000 /dev/zero",
            "slow", "sleep 300",
            "tree", "sleep 300 & sleep 300",
            "signalled", "sleep 300 & (trap '' TERM; sleep 300) & sleep 300");
    Map<String, String> manifests = new java.util.HashMap<>();
    for (String kind : kinds) {
      manifests.put(
          kind,
          cli.manifest(
              kind + ".json",
              "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\":"
                  + " \"deploy\", \"shell\": {\"program\": \"sh\", \"args\": [\"-c\", \""
                  + scripts.get(kind)
                  + "\"], \"env\": {\"SOAK\": \""
                  + token
                  + "\"}}, \"approval\": "
                  + approval
                  + "}]}]}"));
    }
    java.util.Random random = new java.util.Random(11);
    List<Process> signalled = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String kind = i % 20 == 19 ? "signalled" : kinds.get(random.nextInt(kinds.size() - 1));
      String m = manifests.get(kind);
      cli.approveUnsigned(m, "deploy");
      if (kind.equals("signalled")) {
        signalled.add(
            agentcli(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    List.of(),
                    "exec",
                    m,
                    "deploy")
                .start());
        continue;
      }
      boolean slow = kind.equals("slow") || kind.equals("tree");
      Cli.Result r =
          slow ? cli.run("exec", m, "deploy", "--timeout", "200") : cli.run("exec", m, "deploy");
      assertEquals(slow ? 124 : kind.equals("fails") ? 3 : 0, r.status(), r.toString());
    }
    // Each signalled run must have claimed before it is stopped.
    for (int i = 0; i < 1200; i++) { // a hang guard of 2 minutes, not a timing assertion
      if (cli.run("approvals", "list", "--status", "pending").json().path("count").asInt() == 0) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(
        0, cli.run("approvals", "list", "--status", "pending").json().path("count").asInt());
    for (Process p : signalled) {
      // SIGTERM to agentcli (Process.destroy would also close the streams we read)
      new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
      Raw r = await(p);
      assertEquals(143, r.status(), r.toString());
    }
    eventually(() -> survivors(token).isEmpty(), "no task process survives: " + survivors(token));
    Jvm.Done counts =
        TestFiles.sh(
            Map.of(),
            new byte[0],
            "sqlite3",
            cli.db.toString(),
            "SELECT c.approval_id,"
                + " (SELECT count(*) FROM audit_events e WHERE e.approval_id = c.approval_id"
                + "  AND e.event_type = 'exec_started'),"
                + " (SELECT count(*) FROM audit_events e WHERE e.approval_id = c.approval_id"
                + "  AND e.event_type IN ('exec_finished', 'exec_interrupted'))"
                + " FROM consumptions c");
    List<String> rows = counts.out().lines().toList();
    assertEquals(runs, rows.size(), counts.toString());
    for (String row : rows) {
      assertTrue(row.endsWith("|1|1"), "one start and one end per consumed grant: " + row);
    }
    assertEquals(0, cli.run("audit", "verify").status());
  }

  static List<Long> survivors(String token) {
    List<Long> found = new ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .forEach(
              p -> {
                try {
                  String environ =
                      new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                  if (environ.contains(token)) {
                    found.add(Long.parseLong(p.getFileName().toString()));
                  }
                } catch (java.io.IOException | RuntimeException gone) {
                  // exited while we looked
                }
              });
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return found;
  }
}
