package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded mixed workload: several workers, each a sequence of separate agentcli processes
 * approving, claiming, executing, revoking, listing and verifying at once, for a fixed number of
 * operations; then the invariants. Only the gate's own refusals may fail.
 */
class SoakIT {
  @TempDir Path home;

  static final int WORKERS = 4;
  static final int OPERATIONS_EACH = 10;
  static final Set<String> EXPECTED_REFUSALS =
      Set.of("approval_required", "approval_already_consumed", "approval_already_revoked");

  @Test
  void mixedWorkloadKeepsEveryInvariant() throws Exception {
    String m =
        new Cli(home)
            .manifest(
                "m.json",
                Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    Set<String> approved = ConcurrentHashMap.newKeySet();
    List<String> unexpected = new ArrayList<>();
    AtomicInteger operations = new AtomicInteger();
    long seed = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      Random random = new Random(seed + w);
      Thread worker =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < OPERATIONS_EACH; i++) {
                    String[] args =
                        switch (random.nextInt(6)) {
                          case 0, 1 ->
                              new String[] {
                                "approve", m, "deploy", "--by", "ops", "--signer", "none"
                              };
                          case 2 -> new String[] {"exec", m, "deploy"};
                          case 3 -> new String[] {"claim", m, "deploy"};
                          case 4 ->
                              approved.isEmpty()
                                  ? new String[] {"approvals", "list"}
                                  : new String[] {
                                    "approvals", "revoke", approved.iterator().next()
                                  };
                          default -> new String[] {"audit", "verify"};
                        };
                    Jvm.Done d = Jvm.run(home, args);
                    operations.incrementAndGet();
                    if (d.status() == 0 && args[0].equals("approve")) {
                      approved.add(
                          new ObjectMapper()
                              .readTree(d.out())
                              .path("approval")
                              .path("approval_id")
                              .asText());
                    } else if (d.status() != 0) {
                      String code = new ObjectMapper().readTree(d.err()).path("code").asText();
                      if (!EXPECTED_REFUSALS.contains(code)) {
                        synchronized (unexpected) {
                          unexpected.add(String.join(" ", args) + " -> " + d.err());
                        }
                      }
                    }
                  }
                } catch (Exception e) {
                  synchronized (unexpected) {
                    unexpected.add(e.toString());
                  }
                }
              });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    assertEquals(List.of(), unexpected, "seed " + seed);
    assertEquals(WORKERS * OPERATIONS_EACH, operations.get());
    new Invariants(home).check(home, approved, "soak, seed " + seed);
    assertTrue(approved.size() > 0);
    System.out.println(
        "SoakIT: seed "
            + seed
            + ", "
            + operations.get()
            + " operations, "
            + approved.size()
            + " approvals");
  }
}
