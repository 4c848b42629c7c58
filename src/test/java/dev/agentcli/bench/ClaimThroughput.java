package dev.agentcli.bench;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ClaimAttempt;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.Verdict;
import dev.agentcli.store.Database;
import dev.agentcli.store.SqliteApprovalStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims per second in one JVM from 1, 2 and 4 threads, each with its own connection, on one
 * database file in WAL mode with synchronous=FULL; every claim is the real BEGIN IMMEDIATE
 * transaction of the store, each for a task with one pending grant (one approval, one run). Prints
 * the ratio of each to the 1-thread run. Run by bench/throughput.sh.
 */
public final class ClaimThroughput {
  private ClaimThroughput() {}

  static final boolean SINGLE = Boolean.getBoolean("single");
  static final String HASH = "sha256:" + "ab".repeat(32);
  static final ClaimAttempt.Check ACCEPT = g -> new Verdict(true, "bench", null, null);

  public static void main(String[] args) throws Exception {
    int perThread = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    double base = 0;
    System.out.printf(
        "java %s; %d claims per thread; WAL, synchronous=FULL%n",
        System.getProperty("java.version"), perThread);
    run(1, perThread / 4); // warm-up, not reported
    for (int threads : new int[] {1, 2, 4}) {
      double rate = run(threads, perThread);
      base = base == 0 ? rate : base;
      System.out.printf(
          "%d thread(s): %8.0f claims/s   (%.2f x 1 thread)%n", threads, rate, rate / base);
    }
  }

  static double run(int threads, int perThread) throws Exception {
    Path dir = Files.createTempDirectory("agentcli-throughput");
    Path file = dir.resolve("agentcli.db");
    Instant now = Instant.now();
    try (Database db = Database.open(file, Duration.ofSeconds(30))) {
      SqliteApprovalStore store = new SqliteApprovalStore(db);
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < threads * perThread; i++) {
        store.insert(
            new Grant(
                ApprovalId.random(random),
                1,
                "wf",
                (SINGLE ? "task" : "task-" + i),
                HASH,
                "{}",
                null,
                null,
                "bench",
                null,
                now,
                now.plus(Duration.ofHours(1)),
                true,
                null,
                null,
                null));
      }
    }
    AtomicInteger claimed = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread worker =
          new Thread(
              () -> {
                try (Database db = Database.open(file, Duration.ofSeconds(30))) {
                  SqliteApprovalStore store = new SqliteApprovalStore(db);
                  for (int i = first; i < threads * perThread; i += threads) {
                    ClaimRequest request =
                        new ClaimRequest(
                            "wf", SINGLE ? "task" : "task-" + i, HASH, Optional.empty(), "bench");
                    if (store.claim(request, Clock.systemUTC(), ACCEPT).claimed().isPresent()) {
                      claimed.incrementAndGet();
                    }
                  }
                }
              });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (claimed.get() != threads * perThread) {
      throw new IllegalStateException("claimed " + claimed.get() + " of " + threads * perThread);
    }
    return claimed.get() / seconds;
  }
}
