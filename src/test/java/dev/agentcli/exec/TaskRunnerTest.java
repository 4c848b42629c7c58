package dev.agentcli.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Started;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.TaskBinding.Command;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner on its own, in process: real programs, no database, no gate. What a task printed is
 * checked against what the test computes itself (its bytes, their SHA-256), what it saw (argv[0],
 * environment, stdin, folder) against what the program itself reports. Signals and Ctrl-C, which
 * need agentcli in a process of its own, are SignalsIT's.
 */
@Timeout(60)
class TaskRunnerTest {
  @TempDir Path dir;

  static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "ONLY", "this");

  Command command(String program, String... args) {
    return new Command(program, Path.of(program), List.of(args), dir, ENV, null, null);
  }

  RunResult run(Command c) {
    return new TaskRunner()
        .run(
            c,
            Optional.empty(),
            TaskRunner.Mode.CAPTURE,
            OutputStream.nullOutputStream(),
            OutputStream.nullOutputStream());
  }

  static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void capturesBothStreamsWithTheirSizesHashesAndTheExitStatus() throws Exception {
    RunResult r = run(command("/bin/sh", "-c", "printf 'out\\n'; printf 'é' >&2; exit 3"));
    assertEquals(3, r.exitCode());
    assertEquals(3, r.exitStatus());
    assertFalse(r.timedOut() || r.interrupted());
    assertEquals("out\n", r.stdout().text());
    assertEquals(4, r.stdout().bytes());
    assertEquals(sha256("out\n".getBytes(StandardCharsets.UTF_8)), r.stdout().sha256());
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    assertEquals("é", r.stderr().text());
    assertEquals(e.length, r.stderr().bytes());
    assertEquals(sha256(e), r.stderr().sha256());
  }

  @Test
  void theProgramGetsExactlyTheBoundEnvironmentFolderAndStdin() throws Exception {
    Files.writeString(dir.resolve("here"), "");
    RunResult env = run(command("/usr/bin/env"));
    Map<String, String> seen = new TreeMap<>();
    for (String line : env.stdout().text().split("\n")) {
      seen.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
    }
    assertEquals(new TreeMap<>(ENV), seen, "nothing of the test JVM's environment leaks in");
    assertEquals("here\n", run(command("/bin/ls")).stdout().text());
    Command cat = new Command("/bin/cat", Path.of("/bin/cat"), List.of(), dir, ENV, "fed\n", null);
    assertEquals("fed\n", run(cat).stdout().text());
    // Without bound stdin the program reads /dev/null: it ends instead of waiting for a terminal.
    assertEquals("", run(command("/bin/cat")).stdout().text());
  }

  @Test
  void aMultiCallProgramSeesTheNameItWasWrittenWithAsArgvZero() throws Exception {
    byte[] xz = compressed("payload");
    Path file = dir.resolve("p.xz");
    Files.write(file, xz);
    // unxz is a link to xz, which decompresses only when called as unxz.
    Command unxz =
        new Command(
            "unxz",
            Path.of("/usr/bin/unxz").toRealPath(),
            List.of("-c", file.toString()),
            dir,
            ENV,
            null,
            null);
    RunResult r = run(unxz);
    assertEquals(0, r.exitCode(), r.stderr().text());
    assertEquals("payload", r.stdout().text());
  }

  static byte[] compressed(String text) throws Exception {
    Process p = new ProcessBuilder("xz", "-c").start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }

  @Test
  void outputBeyondTheBoundIsCountedAndHashedButNotKept() throws Exception {
    int size = TaskRunner.MAX_CAPTURE_BYTES + 12345;
    RunResult r = run(command("/usr/bin/head", "-c", String.valueOf(size), "/dev/zero"));
    assertTrue(r.stdout().truncated());
    assertEquals(size, r.stdout().bytes());
    assertEquals(TaskRunner.MAX_CAPTURE_BYTES, r.stdout().text().length());
    assertEquals(sha256(new byte[size]), r.stdout().sha256(), "the hash is of the whole stream");
  }

  @Test
  void streamModeCopiesTheBytesAsTheyComeAndKeepsThemToo() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunResult r =
        new TaskRunner()
            .run(
                command("/bin/sh", "-c", "echo one; echo two >&2"),
                Optional.empty(),
                TaskRunner.Mode.STREAM,
                out,
                err);
    assertEquals("one\n", out.toString(StandardCharsets.UTF_8));
    assertEquals("two\n", err.toString(StandardCharsets.UTF_8));
    assertEquals("one\n", r.stdout().text());
    assertEquals("two\n", r.stderr().text());
  }

  @Test
  void aTimeoutStopsTheWholeTreeAndExits124() throws Exception {
    Path pid = dir.resolve("child.pid");
    RunResult r =
        new TaskRunner()
            .run(
                command("/bin/sh", "-c", "sleep 300 & echo $! > " + pid + "; wait"),
                Optional.of(Duration.ofMillis(1500)),
                TaskRunner.Mode.CAPTURE,
                OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream());
    assertTrue(r.timedOut());
    assertNull(r.signal());
    assertEquals(124, r.exitStatus());
    long child = Long.parseLong(Files.readString(pid).strip());
    Started.eventually(
        Duration.ofSeconds(6),
        () -> !ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false),
        "the background sleep is stopped with its parent");
  }

  @Test
  void aProgramThatCannotStartIsNamedByItsCode() throws Exception {
    AgentCliException missing =
        assertThrows(AgentCliException.class, () -> run(command(dir + "/gone")));
    assertEquals(ErrorCode.PROGRAM_NOT_FOUND, missing.code());
    Path plain = Files.writeString(dir.resolve("plain"), "echo hi\n");
    AgentCliException notExecutable =
        assertThrows(AgentCliException.class, () -> run(command(plain.toString())));
    assertEquals(ErrorCode.PROGRAM_NOT_EXECUTABLE, notExecutable.code());
  }
}
