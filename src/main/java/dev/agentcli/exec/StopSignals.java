package dev.agentcli.exec;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Catches SIGINT, SIGTERM and SIGHUP while a task runs, so that agentcli stops the task's tree,
 * records the interruption and prints the result before it exits with 128 + the signal, instead of
 * the JVM exiting under it. A terminal's Ctrl-C reaches the whole process group, the task included;
 * whoever notices first, the outcome is the same. Where the JDK has no {@code sun.misc.Signal}
 * ({@link SignalCatcher}), the catcher never fires and the JVM's own handling applies.
 */
final class StopSignals implements AutoCloseable {
  private static final List<String> NAMES = List.of("INT", "TERM", "HUP");

  private final AtomicReference<String> caught = new AtomicReference<>();
  private final CountDownLatch fired = new CountDownLatch(1);
  private final Runnable onStop;
  private SignalCatcher catcher;

  private StopSignals(Runnable onStop) {
    this.onStop = onStop;
  }

  /** Installs the catcher; {@code onStop} runs once, on the first signal. */
  static StopSignals install(Runnable onStop) {
    StopSignals s = new StopSignals(onStop);
    try {
      s.catcher = SignalCatcher.install(NAMES, s::fire);
    } catch (LinkageError | IllegalArgumentException unavailable) {
      // No signal API here (or a signal the OS does not have): the JVM's own handling applies.
    }
    return s;
  }

  private void fire(String name) {
    if (caught.compareAndSet(null, name)) {
      fired.countDown();
      onStop.run();
    }
  }

  /** The signal caught (INT, TERM, HUP), or null. */
  String caught() {
    return caught.get();
  }

  /** Waits up to {@code ms} for a signal that may be on its way (the task died of one). */
  String awaitCaught(long ms) {
    try {
      fired.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return caught();
  }

  /** The exit status a process stopped by {@code name} reports: 128 + its number. */
  static int status(String name) {
    return 128
        + switch (name) {
          case "HUP" -> 1;
          case "INT" -> 2;
          default -> 15;
        };
  }

  /** Puts the previous handlers back. */
  @Override
  public void close() {
    if (catcher != null) {
      catcher.close();
    }
  }
}
