package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentcli.codec.Sha256;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Issue 11: the runner runs exactly what was approved, stops everything it started, and reports the
 * truth. Separate JVMs where signals, CPU counts or JDKs matter; real process trees checked in
 * /proc.
 */
class RunnerIT extends RunnerHarness {
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

  // 3 and 4, a run stopped by a signal or a timeout, and the soak of mixed runs: SignalsIT.

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
}
