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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a resolved command directly (never through a shell) in its bound working directory and
 * environment, each of its streams on a thread of its own (so that none can starve another, on any
 * number of cores), and stops its whole process tree on timeout or when agentcli is told to stop.
 */
public final class TaskRunner {
  /** Each stream is kept up to this many bytes; the rest is counted and hashed, not kept. */
  public static final int MAX_CAPTURE_BYTES = 1024 * 1024;

  /** Between SIGTERM and SIGKILL when a run is stopped. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /** How long to wait for output after the program exits (a background child may hold it open). */
  static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  /**
   * How long to wait for agentcli's own signal when the task died of SIGINT, SIGTERM or SIGHUP: a
   * terminal's Ctrl-C reaches both at once.
   */
  private static final long SIGNAL_SETTLE_MS = 500;

  /**
   * Runs a program under its name as written, as {@code argv[0]}, while executing the resolved
   * file: {@code exec {file} argv}. Perl, because it passes the environment through untouched (a
   * shell would add PWD, SHLVL and _); it is part of every Debian system.
   */
  private static final Path TRAMPOLINE = Path.of("/usr/bin/perl");

  private static final String TRAMPOLINE_CODE = "my $p = shift; exec { $p } @ARGV or exit 127";

  /** A stream still held open by a background child when the wait for it ended. */
  private static final RunResult.Output UNDRAINED =
      new RunResult.Output("", true, -1, Sha256.of(""));

  /** The user tasks run as, or null: the user agentcli runs as. */
  private final TaskUser user;

  /** A runner whose tasks run as the user agentcli runs as. */
  public TaskRunner() {
    this(null);
  }

  /** A runner whose tasks run as {@code user} (null: as the user agentcli runs as). */
  public TaskRunner(TaskUser user) {
    this.user = user;
  }

  /** How the task's output is handled. */
  public enum Mode {
    /** Kept (bounded) and hashed for the JSON result. */
    CAPTURE,
    /** Copied byte for byte to the given streams as it comes, and kept and hashed as well. */
    STREAM,
    /** The program uses agentcli's stdin, stdout and stderr directly. */
    PASSTHROUGH
  }

  /**
   * Runs {@code command}. If agentcli is told to stop (SIGTERM, SIGINT, SIGHUP) while the program
   * runs, the program's process tree is stopped and the result says so.
   *
   * @param timeout the run is stopped after this long; empty for no limit
   * @param out where {@link Mode#STREAM} copies the task's stdout (else unused)
   * @param err where {@link Mode#STREAM} copies the task's stderr (else unused)
   * @throws AgentCliException {@code program_not_found} or {@code program_not_executable} when the
   *     OS cannot start it
   */
  public RunResult run(
      Command command, Optional<Duration> timeout, Mode mode, OutputStream out, OutputStream err) {
    ProcessBuilder builder =
        new ProcessBuilder(user == null ? argv(command) : user.wrap(argv(command), command.env()))
            .directory(command.cwd().toFile());
    builder.environment().clear();
    if (user == null) {
      builder.environment().putAll(command.env());
    }
    if (mode == Mode.PASSTHROUGH) {
      builder.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    }
    if (command.stdin() == null) {
      builder.redirectInput(
          mode == Mode.PASSTHROUGH
              ? ProcessBuilder.Redirect.INHERIT
              : ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    long started = System.nanoTime();
    AtomicReference<ProcessTree> running = new AtomicReference<>();
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (stopped.compareAndSet(false, true) && running.get() != null) {
            running.get().stop(KILL_GRACE);
          }
        };
    // Caught from before the program starts: a signal in between would leave it running alone.
    try (StopSignals signals = StopSignals.install(stop)) {
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw startFailure(command, e);
      }
      ProcessTree tree = new ProcessTree(process, user);
      tree.watch();
      running.set(tree);
      if (stopped.get()) {
        tree.stop(KILL_GRACE); // told to stop while it started (stop saw no tree yet)
      }
      List<Thread> io = new ArrayList<>();
      if (command.stdin() != null) {
        io.add(start("stdin", () -> feed(process.getOutputStream(), command.stdin())));
      }
      Pump stdout = mode == Mode.PASSTHROUGH ? null : new Pump(process.getInputStream(), mode, out);
      Pump stderr = mode == Mode.PASSTHROUGH ? null : new Pump(process.getErrorStream(), mode, err);
      Thread outThread = stdout == null ? null : start("stdout", stdout);
      Thread errThread = stderr == null ? null : start("stderr", stderr);
      boolean timedOut = false;
      if (timeout.isPresent()
          && !process.waitFor(timeout.get().toMillis(), TimeUnit.MILLISECONDS)) {
        timedOut = signals.caught() == null;
        stop.run();
      }
      int exit = process.waitFor();
      String signal = signals.caught();
      boolean diedOfSignal = exit == 129 || exit == 130 || exit == 143;
      if (signal == null && !stopped.get() && diedOfSignal) {
        signal = signals.awaitCaught(SIGNAL_SETTLE_MS);
      }
      if (signal != null || diedOfSignal) {
        // A signal that reached the group may have left children behind; so may one that
        // reached only the task, or whose handler here has not run yet on a loaded machine.
        stop.run();
      }
      if (signal != null) {
        timedOut = false;
      }
      long durationMs = (System.nanoTime() - started) / 1_000_000;
      RunResult.Output o =
          stdout == null ? RunResult.Output.PASSED_THROUGH : stdout.result(outThread);
      RunResult.Output e =
          stderr == null ? RunResult.Output.PASSED_THROUGH : stderr.result(errThread);
      return new RunResult(exit, timedOut, signal, durationMs, o, e);
    } catch (InterruptedException e) {
      stop.run();
      Thread.currentThread().interrupt();
      throw new AgentCliException(ErrorCode.INTERNAL_ERROR, "interrupted while running the task");
    }
  }

  /**
   * The command line handed to the OS: the resolved file, with the program's name as written as
   * {@code argv[0]} when the two names differ (a multi-call program such as {@code unxz}, a link to
   * {@code xz}, looks at it). When only the folder differs ({@code echo}, {@code /usr/bin/echo}),
   * the resolved path is {@code argv[0]}, which saves starting the trampoline.
   */
  static List<String> argv(Command command) {
    String written = command.written();
    String file = command.program().toString();
    String writtenName = Path.of(written).getFileName().toString();
    List<String> argv = new ArrayList<>();
    // A path with "=" goes through the trampoline too: env(1), which drops to a task user, would
    // read it as a variable.
    if ((!writtenName.equals(command.program().getFileName().toString()) || file.contains("="))
        && Files.isExecutable(TRAMPOLINE)) {
      argv.addAll(List.of(TRAMPOLINE.toString(), "-e", TRAMPOLINE_CODE, file, written));
    } else {
      argv.add(file);
    }
    argv.addAll(command.args());
    return argv;
  }

  private static Thread start(String name, Runnable work) {
    Thread t = new Thread(work, "agentcli-task-" + name);
    t.setDaemon(true);
    t.start();
    return t;
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

  /** Reads one of the child's streams to its end: keeps the first bytes, hashes all, copies. */
  private static final class Pump implements Runnable {
    private final InputStream in;
    private final OutputStream copy;
    private final MessageDigest digest = Sha256.digest();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    Pump(InputStream in, Mode mode, OutputStream copy) {
      this.in = in;
      this.copy = mode == Mode.STREAM ? copy : null;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[64 * 1024];
      boolean copying = copy != null;
      try (in) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          digest.update(buffer, 0, n);
          int keep = (int) Math.max(0, Math.min(n, MAX_CAPTURE_BYTES - total));
          kept.write(buffer, 0, keep);
          total += n;
          if (copying) {
            try {
              copy.write(buffer, 0, n);
              copy.flush();
            } catch (IOException readerGone) {
              copying = false; // whoever reads agentcli's output went away; keep draining
            }
          }
        }
      } catch (IOException e) {
        // The stream closed under us (the process tree was killed): keep what was read.
      }
    }

    RunResult.Output result(Thread thread) {
      try {
        thread.join(DRAIN_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        return UNDRAINED;
      }
      return new RunResult.Output(
          kept.toString(StandardCharsets.UTF_8),
          total > MAX_CAPTURE_BYTES,
          total,
          Sha256.hex(digest.digest()));
    }
  }
}
