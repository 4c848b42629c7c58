package dev.agentcli.exec;

import dev.agentcli.codec.Sha256;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.TaskBinding.Command;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a resolved command directly (never through a shell) in its bound working directory and
 * environment, captures its output within bounds, and kills its whole process tree on timeout.
 */
public final class TaskRunner {
  /** Each stream is kept up to this many bytes; the rest is counted and hashed, not kept. */
  public static final int MAX_CAPTURE_BYTES = 1024 * 1024;

  /** Between SIGTERM and SIGKILL when a run times out. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /** A stream still held open by a background child when the wait for it ended. */
  private static final RunResult.Output UNDRAINED =
      new RunResult.Output("", true, -1, Sha256.of(""));

  /** How long to wait for output after the program exits (a background child may hold it open). */
  static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  /**
   * Runs {@code command}. If agentcli itself is told to stop (SIGTERM, SIGINT, SIGHUP) while the
   * program runs, the program's process tree is stopped too (SIGTERM, then SIGKILL after a grace
   * period) and {@code onSignal} is called once it is gone, before agentcli exits.
   *
   * @param timeout the run is killed after this long; empty for no limit
   * @param passthrough the program reads agentcli's stdin and writes to its stdout and stderr live,
   *     instead of being captured
   * @throws AgentCliException {@code program_not_found} or {@code program_not_executable} when the
   *     OS cannot start it
   */
  public RunResult run(
      Command command, Optional<Duration> timeout, boolean passthrough, Runnable onSignal) {
    ProcessBuilder builder = new ProcessBuilder(command.argv()).directory(command.cwd().toFile());
    builder.environment().clear();
    builder.environment().putAll(command.env());
    if (passthrough) {
      builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    if (command.stdin() == null) {
      builder.redirectInput(
          passthrough
              ? ProcessBuilder.Redirect.INHERIT
              : ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw startFailure(command, e);
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Thread forward =
        new Thread(
            () -> {
              if (process.isAlive()) {
                stopping.set(true);
                killTree(process);
                onSignal.run();
              }
            },
            "agentcli-forward-signal");
    Runtime.getRuntime().addShutdownHook(forward);
    if (command.stdin() != null) {
      CompletableFuture.runAsync(() -> feed(process.getOutputStream(), command.stdin()));
    }
    CompletableFuture<RunResult.Output> out =
        passthrough
            ? CompletableFuture.completedFuture(RunResult.Output.PASSED_THROUGH)
            : capture(process.getInputStream());
    CompletableFuture<RunResult.Output> err =
        passthrough
            ? CompletableFuture.completedFuture(RunResult.Output.PASSED_THROUGH)
            : capture(process.getErrorStream());
    boolean timedOut = false;
    try {
      if (timeout.isPresent()) {
        if (!process.waitFor(timeout.get().toMillis(), TimeUnit.MILLISECONDS)) {
          timedOut = true;
          killTree(process);
        }
      }
      int exit = process.waitFor();
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      try {
        Runtime.getRuntime().removeShutdownHook(forward);
      } catch (IllegalStateException shuttingDown) {
        // agentcli is being stopped: the hook is running and records the interruption.
      }
      return new RunResult(exit, timedOut, stopping.get(), durationMs, drained(out), drained(err));
    } catch (InterruptedException e) {
      killTree(process);
      Thread.currentThread().interrupt();
      throw new AgentCliException(ErrorCode.INTERNAL_ERROR, "interrupted while running the task");
    }
  }

  private static AgentCliException startFailure(Command command, IOException e) {
    String message = String.valueOf(e.getMessage());
    boolean denied = message.contains("error=13");
    return new AgentCliException(
        denied ? ErrorCode.PROGRAM_NOT_EXECUTABLE : ErrorCode.PROGRAM_NOT_FOUND,
        "cannot start " + command.program() + ": " + message,
        Map.of("program", command.program().toString()),
        e);
  }

  private static void feed(OutputStream stdin, String text) {
    try (stdin) {
      stdin.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException closedEarly) {
      // The program exited or closed its stdin without reading all of it: its choice.
    }
  }

  private static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  private static CompletableFuture<RunResult.Output> capture(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          MessageDigest digest = sha256();
          ByteArrayOutputStream kept = new ByteArrayOutputStream();
          long total = 0;
          byte[] buffer = new byte[8192];
          try (stream) {
            for (int n; (n = stream.read(buffer)) != -1; ) {
              digest.update(buffer, 0, n);
              int keep = (int) Math.max(0, Math.min(n, MAX_CAPTURE_BYTES - total));
              kept.write(buffer, 0, keep);
              total += n;
            }
          } catch (IOException e) {
            // The stream closed under us (the process tree was killed): keep what was read.
          }
          return new RunResult.Output(
              kept.toString(StandardCharsets.UTF_8),
              total > MAX_CAPTURE_BYTES,
              total,
              "sha256:" + HexFormat.of().formatHex(digest.digest()));
        });
  }

  private static RunResult.Output drained(CompletableFuture<RunResult.Output> output) {
    try {
      return output.get(DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return UNDRAINED;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNDRAINED;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
