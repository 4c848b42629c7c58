package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentcli.codec.Sha256;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exec as people who use sudo, timeout and env expect it: statuses, trees, signals, streams. */
class ProcessIT {
  @TempDir Path home;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
  }

  String task(String name, String script) {
    return cli.manifest(
        name + ".json", Cli.oneTask("{\"policy\": \"auto-approve\"}", "sh", "-c", script));
  }

  /** Polls (a hang guard, never a timing assertion) until {@code condition} holds. */
  static void eventually(java.util.function.BooleanSupplier condition, String what)
      throws Exception {
    Started.eventually(Duration.ofSeconds(60), condition, what);
  }

  @Test
  void exitStatusIsTheTasksOwn() {
    for (int status : new int[] {0, 1, 3, 255}) {
      Cli.Result r = cli.run("exec", task("s" + status, "exit " + status), "deploy");
      assertEquals(status, r.status(), r.toString());
      assertEquals(status, r.json().path("result").path("exit_code").asInt());
    }
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Path pid = home.resolve("grandchild.pid");
    String m = task("tree", "sleep 300 & echo $! > " + pid + "; wait");
    Cli.Result r = cli.run("exec", m, "deploy", "--timeout", "1000");
    assertThat(r).exits(124);
    assertTrue(r.json().path("result").path("timed_out").asBoolean());
    long grandchild = Long.parseLong(Files.readString(pid).trim());
    eventually(
        () -> ProcessHandle.of(grandchild).map(p -> !p.isAlive()).orElse(true),
        "the grandchild " + grandchild + " is gone");
  }

  @Test
  void outputIsCapturedWithinBoundsAndHashedWhole() {
    Cli.Result r =
        cli.run("exec", task("big", "head -c 2000000 /dev/zero | tr '\\\\0' x"), "deploy");
    assertEquals(0, r.status(), r.err());
    JsonNode result = r.json().path("result");
    assertTrue(result.path("stdout_truncated").asBoolean());
    assertFalse(result.path("stderr_truncated").asBoolean());
    assertEquals(1024 * 1024, result.path("stdout").asText().length());
    assertEquals(Sha256.of("x".repeat(2_000_000)), result.path("stdout_sha256").asText());
  }

  @Test
  void childGetsTheBoundEnvironmentOnly() {
    cli.env("AWS_SECRET_ACCESS_KEY", "agent-secret").env("TERM", "xterm").env("LC_ALL", "C");
    String m =
        cli.manifest(
            "env.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
                + " \"shell\": {\"program\": \"env\", \"env\": {\"STAGE\": \"prod\"}},"
                + " \"approval\": {\"policy\": \"auto-approve\"}}]}]}");
    Cli.Result r = cli.run("exec", m, "t");
    Set<String> names = new TreeSet<>();
    r.json()
        .path("result")
        .path("stdout")
        .asText()
        .lines()
        .forEach(l -> names.add(l.substring(0, l.indexOf('='))));
    // Nothing of the caller's environment reaches a manifest task, LC_ALL and TERM included: its
    // PATH, HOME and LANG are the fixed task environment's (issue 27).
    assertEquals(new TreeSet<>(List.of("HOME", "LANG", "PATH", "STAGE")), names);
    assertTrue(
        r.json()
            .path("result")
            .path("stdout")
            .asText()
            .contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"),
        r.toString());
  }

  @Test
  void stoppingAgentcliStopsTheTaskAndIsRecorded() throws Exception {
    Path started = home.resolve("started");
    Path got = home.resolve("got");
    String m =
        task(
            "sig",
            "trap 'echo TERM > "
                + got
                + "; exit 9' TERM; echo go > "
                + started
                + "; while :; do sleep 0.1; done");
    Process agentcli = Jvm.agentcli(home, "exec", m, "deploy");
    eventually(() -> Files.exists(started), "the task started");
    agentcli.toHandle().destroy(); // SIGTERM to agentcli; Process.destroy would close its output
    Cli.Result r = Jvm.await(agentcli).asResult();
    // agentcli caught the signal (not the JVM's default exit), then the task ran its trap.
    assertThat(r).exits(143);
    assertEquals("TERM", r.json().path("result").path("signal").asText(), r.toString());
    assertEquals(9, r.json().path("result").path("exit_code").asInt(), r.toString());
    assertEquals("TERM", Files.readString(got).trim());
    JsonNode events = cli.run("audit", "--limit", "0").json().path("events");
    JsonNode last = events.get(events.size() - 1);
    assertEquals("exec_interrupted", last.path("event_type").asText(), events.toString());
    assertEquals(
        "interrupted",
        cli.run("audit", "show", last.path("execution_id").asText()).json().path("state").asText());
  }

  /**
   * What a task prints while it stops (a cleanup trap's last words, the shell's "Terminated" for a
   * child) is kept, and the task is never killed by a SIGPIPE from a pipe agentcli closed.
   */
  @Test
  void whatTheTaskPrintsWhileItStopsIsKept() throws Exception {
    Path started = home.resolve("started");
    String m =
        task(
            "last",
            "trap 'sleep 0.2; echo cleaned up >&2; echo bye; exit 9' TERM; echo go > "
                + started
                + "; while :; do sleep 0.1; done");
    Process agentcli = Jvm.agentcli(home, "exec", m, "deploy");
    eventually(() -> Files.exists(started), "the task started");
    agentcli.toHandle().destroy();
    Cli.Result r = Jvm.await(agentcli).asResult();
    assertThat(r).exits(143);
    JsonNode result = r.json().path("result");
    assertEquals(9, result.path("exit_code").asInt(), r.toString());
    assertTrue(result.path("stderr").asText().contains("cleaned up"), r.toString());
    assertEquals("bye\n", result.path("stdout").asText(), r.toString());
  }

  @Test
  void agentcliKilledWhileTheTaskRunsLeavesTheGrantConsumedAndTheRunUnfinished() throws Exception {
    Path started = home.resolve("started");
    String m =
        cli.manifest(
            "k.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\"}",
                "sh",
                "-c",
                "echo go > " + started + "; sleep 30"));
    // Approved in a process with the same environment as the one that runs it.
    assertEquals(
        0, Jvm.run(home, "approve", m, "deploy", "--by", "ops", "--signer", "none").status());
    Process agentcli = Jvm.agentcli(home, "exec", m, "deploy");
    eventually(() -> Files.exists(started), "the task started");
    agentcli.destroyForcibly(); // SIGKILL: no hook runs
    assertTrue(agentcli.waitFor(60, TimeUnit.SECONDS));
    JsonNode grant = cli.run("approvals", "list").json().path("approvals").get(0);
    assertEquals(
        "consumed", grant.path("status").asText(), "fail closed: the grant is not given back");
    String execution = grant.path("execution_id").asText();
    assertEquals(
        "started, never finished",
        cli.run("audit", "show", execution).json().path("state").asText());
    assertEquals(0, cli.run("audit", "verify").status());
    assertEquals("approval_required", Jvm.run(home, "exec", m, "deploy").asResult().code());
  }

  @Test
  void passthroughStreamsLiveAndPrintsNothingElseOnStdout() throws Exception {
    String m = task("live", "echo early; read line; echo late $line; echo to-stderr >&2; exit 4");
    Process agentcli = Jvm.agentcli(home, "exec", m, "deploy", "--passthrough");
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(agentcli.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (first == null) {
      agentcli.waitFor(60, TimeUnit.SECONDS);
      throw new AssertionError(
          "no output; exit "
              + agentcli.exitValue()
              + ": "
              + new String(agentcli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals("early", first);
    assertTrue(agentcli.isAlive(), "the first line arrived while the task still runs");
    try (OutputStream in = agentcli.getOutputStream()) {
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("late go", out.readLine());
    assertEquals(null, out.readLine(), "nothing from agentcli itself on stdout");
    String err = new String(agentcli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(agentcli.waitFor(60, TimeUnit.SECONDS));
    assertEquals(4, agentcli.exitValue());
    assertEquals("to-stderr\n", err);
    JsonNode events = cli.run("audit", "--limit", "0").json().path("events");
    JsonNode finished = events.get(events.size() - 1);
    assertEquals("exec_finished", finished.path("event_type").asText());
    assertEquals(4, finished.path("details").path("exit_code").asInt());
    assertEquals("passthrough", finished.path("details").path("output").asText());
  }
}
