package dev.agentcli.exec;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Catches SIGINT, SIGTERM and SIGHUP while a task runs, so that agentcli stops the task's tree,
 * records the interruption and prints the result before it exits with 128 + the signal, instead of
 * the JVM exiting under it. A terminal's Ctrl-C reaches the whole process group, the task included;
 * whoever notices first, the outcome is the same.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, there in every JDK since 9) through
 * reflection: javac warns about it under {@code -Werror} otherwise, and no public API catches a
 * signal. Where it is missing, {@link #install} returns a catcher that never fires and the JVM's
 * own handling (shutdown hooks) applies.
 */
final class StopSignals implements AutoCloseable {
  private static final List<String> NAMES = List.of("INT", "TERM", "HUP");

  private final AtomicReference<String> caught = new AtomicReference<>();
  private final CountDownLatch fired = new CountDownLatch(1);
  private final List<Object[]> previous = new ArrayList<>();
  private final Runnable onStop;
  private Method handle;

  private StopSignals(Runnable onStop) {
    this.onStop = onStop;
  }

  /** Installs the catcher; {@code onStop} runs once, on the first signal. */
  static StopSignals install(Runnable onStop) {
    StopSignals s = new StopSignals(onStop);
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      s.handle = signal.getMethod("handle", signal, handler);
      Method name = signal.getMethod("getName");
      InvocationHandler h =
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              s.fire((String) name.invoke(args[0]));
              return null;
            }
            return method.getName().equals("hashCode")
                ? System.identityHashCode(proxy)
                : method.getName().equals("equals") ? proxy == args[0] : "agentcli-stop";
          };
      Object ours = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, h);
      for (String n : NAMES) {
        Object sig = signal.getConstructor(String.class).newInstance(n);
        s.previous.add(new Object[] {sig, s.handle.invoke(null, sig, ours)});
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
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
    for (Object[] p : previous) {
      try {
        handle.invoke(null, p[0], p[1]);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Nothing more to restore.
      }
    }
  }
}
