package dev.agentcli.bench;

import dev.agentcli.TestGrants;
import dev.agentcli.approval.ApprovalStore;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.ExecutionId;
import dev.agentcli.approval.Grant;
import dev.agentcli.manifest.TaskHash;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcApprovalStore;
import dev.agentcli.store.JdbcLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Claims per second in one JVM from 1, 2 and 4 threads, each with its own connection, on one
 * database file in WAL mode with synchronous=FULL; every claim is the store's part of the real
 * claim, in one BEGIN IMMEDIATE transaction (find the oldest live grant, check its history, consume
 * it; no signature to verify, no audit), each for a task with one pending grant (one approval, one
 * run). Prints the ratio of each to the 1-thread run. Run by bench/throughput.sh.
 */
public final class ClaimThroughput {
  private ClaimThroughput() {}

  static final boolean SINGLE = Boolean.getBoolean("single");
  static final TaskHash HASH = new TaskHash(TestGrants.HASH);
  static final ExecutionId EXECUTION = new ExecutionId("bench");

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
      JdbcApprovalStore store = new JdbcApprovalStore(db);
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < threads * perThread; i++) {
        store.insert(
            TestGrants.with(
                TestGrants.pending(now, Duration.ofHours(1)),
                "task_id",
                SINGLE ? "task" : "task-" + i));
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
                  JdbcLedger ledger = new JdbcLedger(db);
                  for (int i = first; i < threads * perThread; i += threads) {
                    ClaimRequest request =
                        new ClaimRequest(
                            "wf", SINGLE ? "task" : "task-" + i, HASH, Optional.empty());
                    if (ledger.atomic(() -> consumeOldest(ledger.grants(), request))) {
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

  /** The store's steps of a claim: the oldest live grant with a clean history, consumed. */
  static boolean consumeOldest(ApprovalStore store, ClaimRequest request) {
    Instant now = Instant.now();
    try (Stream<Grant> candidates = store.claimable(request, now)) {
      Optional<Grant> first =
          candidates
              .filter(
                  g ->
                      store.recordedUse(g).isEmpty()
                          && store.trailBrokenSince(Optional.empty()).isEmpty())
              .findFirst();
      first.ifPresent(g -> store.consume(g, EXECUTION, now));
      return first.isPresent();
    }
  }
}
