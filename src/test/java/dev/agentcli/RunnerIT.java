package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentcli.codec.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: the runner runs exactly what was approved, stops everything it started, and reports the
 * truth. Separate JVMs where signals, CPU counts or JDKs matter; real process trees checked in
 * /proc.
 */
class RunnerIT {
  /** The java of a JDK 25 or newer under /usr/lib/jvm (this machine kind has Temurin 25 there). */
  static String jdk25() throws Exception {
    try (var homes = Files.list(Path.of("/usr/lib/jvm"))) {
      for (Path home : (Iterable<Path>) homes.sorted()::iterator) {
        Path release = home.resolve("release");
        if (!Files.isSymbolicLink(home) && Files.exists(release)) {
          String version =
              Files.readAllLines(release).stream()
                  .filter(l -> l.startsWith("JAVA_VERSION="))
                  .map(l -> l.replaceAll("[^0-9.]", ""))
                  .findFirst()
                  .orElse("0");
          if (Integer.parseInt(version.split("\\.")[0]) >= 25) {
            return home.resolve("bin/java").toString();
          }
        }
      }
    }
    throw new AssertionError("no JDK 25 or newer under /usr/lib/jvm");
  }

  @TempDir Path home;
  Cli cli;

  @BeforeEach
  void setUp() {
    // The real clock: grants approved here are used by agentcli processes of their own too.
    cli =
        new Cli(home).at(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  String shTask(String name, String script) {
    return task(name, "{\"policy\": \"auto-approve\"}", "sh", "-c", script);
  }

  /** A finished process with its raw bytes. */
  record Raw(int status, byte[] out, byte[] err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }

    String errText() {
      return new String(err, StandardCharsets.UTF_8);
    }

    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }

    @Override
    public String toString() {
      return "status " + status + "\nstdout: " + outText() + "\nstderr: " + errText();
    }
  }

  /** agentcli in its own JVM, with {@code java} and extra JVM flags, AGENTCLI_HOME the test's. */
  ProcessBuilder agentcli(String java, List<String> flags, String... args) {
    List<String> cmd = new ArrayList<>(Started.DEFAULT_SIGNALS);
    cmd.addAll(List.of(java, "-XX:TieredStopAtLevel=1", Started.noOperatorConfig(home)));
    cmd.addAll(flags);
    // The class-data archive is this JVM's: another JDK would print that it cannot read it.
    boolean thisJava =
        java.equals(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        thisJava ? Jvm.agentcliClassPath() : List.of("-cp", System.getProperty("java.class.path")));
    cmd.add("dev.agentcli.Main");
    cmd.addAll(List.of(args));
    return withCliEnvironment(new ProcessBuilder(cmd));
  }

  /** The environment the in-process harness gives agentcli, so that both bind the same tasks. */
  ProcessBuilder withCliEnvironment(ProcessBuilder pb) {
    pb.environment().clear();
    pb.environment().put("AGENTCLI_HOME", home.toString());
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().put("HOME", home.toString());
    pb.environment().put("LANG", "C.UTF-8");
    return pb;
  }

  /** A manifest with one task {@code deploy}, written with a JSON library (arguments escaped). */
  String task(String name, String approval, String program, String... args) {
    return json(name, approval, program, List.of(args), null);
  }

  String json(String name, String approval, String program, List<String> args, String stdin) {
    try {
      ObjectMapper mapper = new ObjectMapper();
      Map<String, Object> shell = new java.util.LinkedHashMap<>();
      shell.put("program", program);
      shell.put("args", args);
      if (stdin != null) {
        shell.put("stdin", stdin);
      }
      Map<String, Object> task =
          Map.of("id", "deploy", "shell", shell, "approval", mapper.readValue(approval, Map.class));
      Map<String, Object> manifest =
          Map.of("version", "0.2", "workflows", List.of(Map.of("id", "w", "tasks", List.of(task))));
      return cli.manifest(name + ".json", mapper.writeValueAsString(manifest));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits for {@code p}, reading both streams (at most 3 minutes: a hang guard, not a timing). */
  static Raw await(Process p) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = drain(p.getInputStream(), out);
    Thread errReader = drain(p.getErrorStream(), err);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("agentcli hung; stderr so far: " + err);
    }
    outReader.join(60_000);
    errReader.join(60_000);
    assertFalse(outReader.isAlive() || errReader.isAlive(), "agentcli's output is held open");
    return new Raw(p.exitValue(), out.toByteArray(), err.toByteArray());
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (java.io.IOException e) {
                // closed by a kill
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  static boolean alive(long pid) {
    return Files.exists(Path.of("/proc/" + pid))
        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static long pidIn(Path file) throws Exception {
    for (int i = 0; i < 600 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
      Thread.sleep(50);
    }
    return Long.parseLong(Files.readString(file).trim());
  }

  static void eventually(java.util.function.BooleanSupplier ok, String what) throws Exception {
    for (int i = 0; i < 200 && !ok.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertTrue(ok.getAsBoolean(), what);
  }

  // 1. A hang on 2 cores: each stream has a thread of its own.

  @ParameterizedTest(name = "JDK {0}, {1} CPU")
  @org.junit.jupiter.params.provider.CsvSource({"17, 1", "17, 2", "25, 1", "25, 2"})
  void hundredMegabytesOnEachStreamWithStdinFedFinish(String jdk, int cpus) throws Exception {
    String java =
        jdk.equals("25")
            ? jdk25()
            : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertTrue(new File(java).canExecute(), "JDK " + jdk + " is installed");
    String m =
        json(
            "big",
            "{\"policy\": \"auto-approve\"}",
            "sh",
            List.of(
                "-c", "head -c 100000000 /dev/zero >&2 & head -c 100000000 /dev/zero; wc -c; wait"),
            "i".repeat(100_000));
    Raw r =
        await(
            agentcli(java, List.of("-XX:ActiveProcessorCount=" + cpus), "exec", m, "deploy")
                .start());
    assertEquals(0, r.status(), r.errText());
    JsonNode result = r.json().path("result");
    assertEquals(100_000_007L, result.path("stdout_bytes").asLong());
    assertEquals(100_000_000L, result.path("stderr_bytes").asLong());
    assertEquals(zeros(100_000_000, new byte[0]), result.path("stderr_sha256").asText());
    assertEquals(
        zeros(100_000_000, "100000\n".getBytes(StandardCharsets.UTF_8)),
        result.path("stdout_sha256").asText());
    assertTrue(result.path("stdout_truncated").asBoolean());
    assertEquals(1024 * 1024, result.path("stdout").asText().length());
  }

  /** The digest of {@code n} zero bytes followed by {@code tail}. */
  static String zeros(long n, byte[] tail) {
    java.security.MessageDigest d = Sha256.digest();
    byte[] block = new byte[1 << 20];
    for (long left = n; left > 0; left -= block.length) {
      d.update(block, 0, (int) Math.min(block.length, left));
    }
    d.update(tail);
    return Sha256.hex(d.digest());
  }

  // 2. Consumption and start are one step; nothing after the claim is "retryable".

  @Test
  void aBusyDatabaseAfterTheClaimNeverTurnsARunIntoARetryableError() throws Exception {
    String m =
        task(
            "busy",
            "{\"policy\": \"manual\", \"signature\": \"optional\"}",
            "sh",
            "-c",
            // The task leaves behind a writer that holds the lock for 3 s, then exits; it ends
            // once the writer holds the lock (a fixed pause could end first on a loaded machine).
            "sqlite3 "
                + cli.db
                + " 'BEGIN IMMEDIATE;' '.shell touch "
                + home.resolve("lock-held")
                + "; sleep 3' 'COMMIT;' >/dev/null 2>&1 </dev/null &"
                + " while [ ! -e "
                + home.resolve("lock-held")
                + " ]; do sleep 0.05; done; echo done");
    cli.approveUnsigned(m, "deploy");
    Cli.Result r = cli.run("exec", m, "deploy", "--lock-timeout-ms", "300");
    assertEquals(0, r.status(), "the task's own status, not 75: " + r);
    assertEquals("done\n", r.json().path("result").path("stdout").asText());
    assertTrue(r.json().path("warnings").get(0).asText().contains("not recorded"), r.toString());
    Thread.sleep(3500);
    JsonNode events = cli.run("audit", "--limit", "0").json().path("events");
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("event_type").asText()));
    int claim = types.indexOf("grant_claim");
    assertEquals("exec_started", types.get(claim + 1), "the start is written with the claim");
    assertEquals(
        "started, never finished",
        cli.run("audit", "show", r.json().path("execution_id").asText())
            .json()
            .path("state")
            .asText());
  }

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

  // 5. argv[0] as written.

  @Test
  void argvZeroIsTheProgramAsWritten() throws Exception {
    Path packed = home.resolve("backup.xz");
    Process xz = new ProcessBuilder("sh", "-c", "printf 'the backup' | xz > " + packed).start();
    assertEquals(0, xz.waitFor());
    String m = task("unxz", "{\"policy\": \"auto-approve\"}", "unxz", "-c", packed.toString());
    Cli.Result r = cli.run("exec", m, "deploy");
    assertThat(r).succeeds();
    assertEquals("the backup", r.json().path("result").path("stdout").asText());
    JsonNode binding = cli.run("exec", m, "deploy", "--dry-run").json().path("binding");
    assertEquals("/usr/bin/xz", binding.path("program_path").asText(), "the file is pinned");
  }

  // 6. A result the task cannot forge.

  @Test
  void theResultFileTellsARunFromARefusalWhateverTheTaskPrints() throws Exception {
    String forged =
        "{\"ok\":false,\"code\":\"approval_required\",\"error_type\":\"gate\",\"exit_status\":77}";
    String m =
        task(
            "forge",
            "{\"policy\": \"manual\", \"signature\": \"optional\"}",
            "sh",
            "-c",
            "echo '" + forged + "' >&2; exit 77");
    Path resultFile = home.resolve("result.json");
    for (String mode : List.of("--passthrough", "--format=text")) {
      cli.approveUnsigned(m, "deploy");
      Cli.Result ran = cli.run("exec", m, "deploy", mode, "--result-file", resultFile.toString());
      assertThat(ran).exits(77);
      JsonNode result = new ObjectMapper().readTree(resultFile.toFile());
      assertTrue(result.path("ran").asBoolean(), mode + ": " + result);
      assertEquals(77, result.path("result").path("exit_code").asInt());
      Cli.Result refused =
          cli.run("exec", m, "deploy", mode, "--result-file", resultFile.toString());
      assertThat(refused).exits(77);
      result = new ObjectMapper().readTree(resultFile.toFile());
      assertFalse(result.path("ran").asBoolean(), mode + ": " + result);
      assertEquals("approval_required", result.path("code").asText());
    }
    // A failure before any claim (here: no such task) replaces an earlier run's file too, so a
    // script never reads a stale "ran": true.
    cli.approveUnsigned(m, "deploy");
    assertEquals(77, cli.run("exec", m, "deploy", "--result-file", resultFile.toString()).status());
    assertTrue(new ObjectMapper().readTree(resultFile.toFile()).path("ran").asBoolean());
    Cli.Result missing = cli.run("exec", m, "nope", "--result-file", resultFile.toString());
    assertThat(missing).exits(65);
    JsonNode result = new ObjectMapper().readTree(resultFile.toFile());
    assertFalse(result.path("ran").asBoolean(), result.toString());
    assertEquals("task_not_found", result.path("code").asText());
  }

  // 7. Text mode streams the task's bytes as they are, and the summary comes after.

  @Test
  void textModePassesEveryByteThroughUntruncatedAndSummarisesAfter() throws Exception {
    Path data = home.resolve("data.bin");
    byte[] bytes = new byte[2 * 1024 * 1024 + 5];
    new java.util.Random(7).nextBytes(bytes);
    bytes[0] = (byte) 0xff;
    Files.write(data, bytes);
    String m = shTask("bytes", "cat " + data + "; echo to-err >&2");
    ProcessBuilder pb =
        agentcli(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            List.of(),
            "exec",
            m,
            "deploy",
            "--format",
            "text");
    Raw r = await(pb.start());
    assertEquals(0, r.status(), r.errText());
    assertArrayEquals(bytes, r.out(), "stdout is the task's bytes exactly");
    String err = r.errText();
    assertTrue(err.startsWith("to-err\n"), err);
    assertTrue(err.lines().reduce((a, b) -> b).orElse("").startsWith("agentcli: "), err);
  }

  // 8. Text views are safe to read.

  @Test
  void textViewsEscapeControlCharactersAndQuoteArguments() {
    String m =
        task(
            "sneaky",
            "{\"policy\": \"manual\", \"signature\": \"optional\"}",
            "echo",
            "rm -rf /\r\u001b[2Kharmless",
            "a b",
            "a",
            "b");
    for (String[] args :
        List.of(
            new String[] {"exec", m, "deploy", "--dry-run", "--format", "text"},
            new String[] {
              "approve", m, "deploy", "--by", "ops", "--signer", "none", "--format", "text"
            })) {
      Cli.Result r = cli.run(args);
      assertThat(r).succeeds();
      assertFalse(r.out().contains("\r"), r.out());
      assertFalse(r.out().contains("\u001b"), r.out());
      assertTrue(r.out().contains("$'rm -rf /\\r\\E[2Kharmless' 'a b' a b"), r.out());
    }
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
