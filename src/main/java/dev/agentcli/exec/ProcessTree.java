package dev.agentcli.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stops a task's whole process tree. Its descendants are watched while it runs (a look every 50 ms)
 * and remembered (a {@link ProcessHandle} keeps its start time, so a reused pid is never hit), so
 * that one re-parented to init when its parent died, a double-forked daemon or one that left the
 * process group, is still found: SIGTERM to all, new descendants of any of them looked for while
 * the grace period runs, then SIGKILL to every one still alive. What escapes: a process forked and
 * orphaned between two looks, which only a cgroup or a subreaper could catch.
 */
final class ProcessTree {
  private static final long LOOK_EVERY_MS = 20;
  private static final long WATCH_EVERY_MS = 50;

  private final Process root;
  private final Map<Long, ProcessHandle> known = new LinkedHashMap<>();

  ProcessTree(Process root) {
    this.root = root;
  }

  /**
   * Looks at the tree every {@value #WATCH_EVERY_MS} ms until the root ends, on a daemon thread.
   */
  void watch() {
    Thread t =
        new Thread(
            () -> {
              // A task that ends within the first interval costs no look at all.
              for (sleep(WATCH_EVERY_MS); root.isAlive(); sleep(WATCH_EVERY_MS)) {
                look();
              }
            },
            "agentcli-task-tree");
    t.setDaemon(true);
    t.start();
  }

  /**
   * SIGTERM to the tree, SIGKILL after {@code grace} to whatever is left; waits for the root. The
   * root is signalled through its {@link ProcessHandle}: {@link Process#destroy} would also close
   * agentcli's ends of its pipes, losing what it prints while it stops and killing it with SIGPIPE
   * when it writes (a shell printing "Terminated" for its child, before its TERM trap could run).
   */
  synchronized void stop(Duration grace) {
    look();
    known.values().forEach(ProcessHandle::destroy);
    root.toHandle().destroy();
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && anyAlive()) {
      sleep(LOOK_EVERY_MS);
      int before = known.size();
      look();
      // Newcomers were forked after the SIGTERM: they get it too.
      known.values().stream().skip(before).forEach(ProcessHandle::destroy);
    }
    look();
    known.values().forEach(ProcessHandle::destroyForcibly);
    root.toHandle().destroyForcibly();
    try {
      root.waitFor(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // What SIGKILL hit dies at once; anything it started in between is killed too.
    for (int i = 0; i < 3 && anyAlive(); i++) {
      sleep(LOOK_EVERY_MS);
      look();
      known.values().forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Adds every descendant of the root, and of every process already known, to what is known. */
  private synchronized void look() {
    root.descendants().forEach(p -> known.putIfAbsent(p.pid(), p));
    for (ProcessHandle p : known.values().toArray(ProcessHandle[]::new)) {
      if (running(p)) {
        p.descendants().forEach(d -> known.putIfAbsent(d.pid(), d));
      }
    }
  }

  private synchronized boolean anyAlive() {
    return root.isAlive() || known.values().stream().anyMatch(ProcessTree::running);
  }

  /**
   * Alive and not a zombie: an orphan that died waits for init to reap it, and {@link
   * ProcessHandle#isAlive} still says yes until then.
   */
  private static boolean running(ProcessHandle p) {
    if (!p.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException | RuntimeException gone) {
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
