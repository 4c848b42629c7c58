package dev.agentcli.profile;

import java.io.PrintWriter;
import java.time.Instant;

/**
 * Where one invocation's time goes, for {@code bench/profile.sh}: with {@code AGENTCLI_PROFILE}
 * set, each {@link #mark} records the wall clock, and {@link #report} prints one {@code phase
 * <name> <epoch µs>} line per mark on stderr at the end. Unset, a mark is one read of a final
 * field. (Process-wide by nature: the phases of one process, whichever object reaches them.)
 */
public final class Phases {
  private static final boolean ON = System.getenv("AGENTCLI_PROFILE") != null;
  private static final int MAX = 32;
  private static final String[] NAMES = new String[MAX];
  private static final long[] NANOS = new long[MAX];
  private static long baseNanos;
  private static long baseMicros;
  private static int count;

  private Phases() {}

  /** Records that the phase {@code name} ended now. */
  public static void mark(String name) {
    if (!ON || count == MAX) {
      return;
    }
    long now = System.nanoTime();
    if (count == 0) {
      Instant wall = Instant.now();
      baseMicros = wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1_000;
      baseNanos = now;
    }
    NAMES[count] = name;
    NANOS[count++] = now;
  }

  /** Prints the marks on {@code err} (nothing unless profiling). */
  public static void report(PrintWriter err) {
    if (!ON) {
      return;
    }
    for (int i = 0; i < count; i++) {
      err.println("phase " + NAMES[i] + " " + (baseMicros + (NANOS[i] - baseNanos) / 1_000));
    }
    err.flush();
  }
}
