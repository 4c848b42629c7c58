package dev.agentcli.exec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stops a task's whole process tree. Its descendants are watched while it runs (a look every 50 ms)
 * and remembered (a {@link ProcessHandle} keeps its start time, so a reused pid is never hit), so
 * that one re-parented to init when its parent died, a double-forked daemon or one that left the
 * process group, is still found: SIGTERM to all, new descendants of any of them looked for while
 * the grace period runs, then SIGKILL to every one still alive. A process forked and orphaned
 * between two looks is found too while it stays in agentcli's process group (the task's shells
 * start no groups of their own: a background job of {@code sh -c 'sleep 300 & wait'} is one): at a
 * stop, every process of the group that was re-parented and started after the task is part of it.
 * What escapes: an orphan that also left the group ({@code setsid}), which only a cgroup or a
 * subreaper could catch. A task of a {@link TaskUser} runs under sudo (its root), which agentcli
 * may signal but whose children it may not: they are signalled as the task user, by pid (a pid
 * reused in between can only be another process of that user's).
 */
final class ProcessTree {
  private static final long LOOK_EVERY_MS = 20;
  private static final long WATCH_EVERY_MS = 50;

  private final Process root;

  /** Whose processes the task's are when not agentcli's own user's (its root is then sudo). */
  private final TaskUser user;

  private final Map<Long, ProcessHandle> known = new LinkedHashMap<>();

  /** When the task's root started, in clock ticks since boot; -1 when it is already gone. */
  private final long started;

  ProcessTree(Process root, TaskUser user) {
    this.root = root;
    this.user = user;
    String[] stat = statFields(root.pid());
    this.started = stat == null ? -1 : Long.parseLong(stat[19]);
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
    lookAll();
    signal(known.values(), false);
    if (user == null) {
      root.toHandle().destroy(); // not to sudo, which would relay a second SIGTERM to the task
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && anyAlive()) {
      sleep(LOOK_EVERY_MS);
      int before = known.size();
      lookAll();
      // Newcomers were forked after the SIGTERM: they get it too.
      signal(known.values().stream().skip(before).toList(), false);
    }
    lookAll();
    signal(known.values(), true);
    root.toHandle().destroyForcibly();
    try {
      root.waitFor(grace.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // What SIGKILL hit dies at once; anything it started in between is killed too.
    for (int i = 0; i < 3 && anyAlive(); i++) {
      sleep(LOOK_EVERY_MS);
      lookAll();
      signal(known.values(), true);
    }
  }

  /**
   * SIGTERM ({@code kill} false) or SIGKILL to {@code processes}: directly, or as the task user
   * when the task runs as one (agentcli's user may not signal them).
   */
  private void signal(Collection<ProcessHandle> processes, boolean kill) {
    if (user == null) {
      processes.forEach(kill ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
    } else {
      user.signal(
          kill ? "KILL" : "TERM",
          processes.stream().filter(ProcessTree::running).map(ProcessHandle::pid).toList());
    }
  }

  /** As {@link #look}, and the task's processes still in agentcli's group: at a stop only. */
  private synchronized void lookAll() {
    look();
    orphansInGroup().forEach(p -> known.putIfAbsent(p.pid(), p));
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

  /**
   * The task's orphans still in agentcli's process group: processes of the group that started no
   * earlier than the task and whose parent is init, a subreaper outside the group or the tree. A
   * process of the group started before the task (the rest of a pipeline agentcli is part of), or
   * the child of another process of the group (another agentcli of the same script), is not one.
   */
  private List<ProcessHandle> orphansInGroup() {
    long self = ProcessHandle.current().pid();
    String[] mine = statFields(self);
    List<ProcessHandle> found = new ArrayList<>();
    File[] procs = new File("/proc").listFiles();
    if (mine == null || started < 0 || procs == null) {
      return found;
    }
    for (File dir : procs) {
      String name = dir.getName();
      if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
        continue;
      }
      long pid = Long.parseLong(name);
      String[] f = pid == self || pid == root.pid() ? null : statFields(pid);
      if (f != null
          && f[2].equals(mine[2])
          && Long.parseLong(f[19]) >= started
          && orphaned(Long.parseLong(f[1]), mine[2])) {
        ProcessHandle.of(pid).ifPresent(found::add);
      }
    }
    return found;
  }

  /**
   * Whether a process whose parent is {@code ppid} is an orphan of the task, not another command's
   * child in the same group (a second agentcli started by the same shell script): re-parented to
   * init or to a subreaper outside the group, or a child of the tree.
   */
  private boolean orphaned(long ppid, String group) {
    if (ppid == 1 || known.containsKey(ppid) || ppid == root.pid()) {
      return true;
    }
    String[] parent = statFields(ppid);
    return parent == null || !parent[2].equals(group);
  }

  /**
   * The fields of {@code /proc/<pid>/stat} after the command's name (state first); null if gone.
   */
  private static String[] statFields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException | RuntimeException gone) {
      return null;
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
