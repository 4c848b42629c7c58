package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Separate JVMs racing on one store: the claim must stay exactly-once. */
class ConcurrencyIT {
  @TempDir Path home;
  String manifest;

  @BeforeEach
  void setUp() {
    manifest =
        new Cli(home)
            .manifest(
                "m.json",
                Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
  }

  String approve() throws Exception {
    Jvm.Done d = Jvm.run(home, "approve", manifest, "deploy", "--by", "ops", "--signer", "none");
    assertThat(d).succeeds();
    return d.asResult().json().path("approval").path("approval_id").asText();
  }

  /**
   * {@code processes} agentcli JVMs started at once with {@code args}, each waiting up to a minute
   * for the write lock (a generous bound: on a loaded two-core machine sixteen JVMs can hold one
   * another off for more than the default 5 s, which is not what these tests are about).
   */
  List<Jvm.Done> race(int processes, String... args) throws Exception {
    List<String> patient = new ArrayList<>(List.of(args));
    patient.addAll(List.of("--lock-timeout-ms", "60000"));
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      started.add(Jvm.agentcli(home, patient.toArray(String[]::new)));
    }
    List<Jvm.Done> done = new ArrayList<>();
    for (Process p : started) {
      done.add(Jvm.await(p));
    }
    return done;
  }

  long count(String sql) throws Exception {
    return TestStore.of(home).count(sql);
  }

  @Test
  void sixteenProcessesClaimingOneGrantGiveExactlyOneWinner() throws Exception {
    String id = approve();
    List<Jvm.Done> done = race(16, "claim", manifest, "deploy");
    int winners = 0;
    int refused = 0;
    for (Jvm.Done d : done) {
      if (d.status() == 0) {
        winners++;
        assertEquals(id, d.asResult().json().path("approval").path("approval_id").asText());
      } else {
        assertThat(d).fails(77, "approval_required");
        refused++;
      }
    }
    assertEquals(1, winners);
    assertEquals(15, refused);
    assertEquals(1, count("SELECT count(*) FROM consumptions"));
  }

  @Test
  void eightGrantsAndSixteenProcessesGiveEightDistinctWinners() throws Exception {
    Set<String> approved = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      approved.add(approve());
    }
    List<Jvm.Done> done = race(16, "exec", manifest, "deploy");
    Set<String> used = new HashSet<>();
    int refused = 0;
    for (Jvm.Done d : done) {
      if (d.status() == 0) {
        assertTrue(
            used.add(d.asResult().json().path("approval_used").path("approval_id").asText()),
            "a grant used twice");
      } else {
        assertThat(d).fails(77, "approval_required");
        refused++;
      }
    }
    assertEquals(approved, used);
    assertEquals(8, refused);
    assertEquals(8, count("SELECT count(*) FROM consumptions"));
    assertEquals(0, count("SELECT count(*) FROM grant_status WHERE status = 'pending'"));
  }

  @Test
  void sixteenProcessesRacingForAGrantGoodForThreeRunsGetExactlyThree() throws Exception {
    String m3 =
        Files.writeString(
                home.resolve("three.json"),
                Cli.oneTask(
                    "{\"policy\": \"manual\", \"signature\": \"optional\", \"max_uses\": 3}",
                    "true"))
            .toString();
    Jvm.Done approved =
        Jvm.run(home, "approve", m3, "deploy", "--by", "ops", "--signer", "none", "--uses", "3");
    assertThat(approved).succeeds();
    String id = approved.asResult().json().path("approval").path("approval_id").asText();
    List<Jvm.Done> done = race(16, "exec", m3, "deploy");
    int ran = 0;
    for (Jvm.Done d : done) {
      if (d.status() == 0) {
        ran++;
      } else {
        assertThat(d).fails(77, "approval_required");
      }
    }
    assertEquals(3, ran);
    assertEquals(3, count("SELECT count(*) FROM consumptions WHERE approval_id = '" + id + "'"));
    assertEquals(
        1, count("SELECT count(*) FROM grant_status WHERE status = 'consumed' AND uses_taken = 3"));
  }

  @Test
  void claimFailsWithLockTimeoutWhileAnotherConnectionHoldsTheWriteLock() throws Exception {
    approve();
    Connection holder = TestStore.of(home).holdWriteLock();
    try {
      Jvm.Done d = Jvm.run(home, "claim", manifest, "deploy", "--lock-timeout-ms", "300");
      assertThat(d).fails(75, "approval_lock_timeout");
    } finally {
      holder.close();
    }
    assertEquals(0, Jvm.run(home, "claim", manifest, "deploy").status());
  }

  @Test
  void processKilledInsideTheClaimTransactionLeavesTheGrantPendingAndNoLock() throws Exception {
    String id = approve();
    Process victim =
        Jvm.start(
            home, "dev.agentcli.store.ClaimAndHang", manifest, "deploy", TestStore.of(home).name());
    try {
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
      assertEquals(
          "in-transaction", lines.readLine(), "the helper reached the claim's transaction");
      // It holds the write lock now: nobody else can write.
      Jvm.Done blocked = Jvm.run(home, "claim", manifest, "deploy", "--lock-timeout-ms", "100");
      assertThat(blocked).hasCode("approval_lock_timeout");
    } finally {
      victim.destroyForcibly(); // SIGKILL; also when an assertion failed, so that it never lingers
      victim.waitFor();
    }
    assertEquals(1, count("SELECT count(*) FROM grant_status WHERE status = 'pending'"));
    // The lock went with the process: a prompt claim gets it (a PostgreSQL server may take a
    // moment to see the connection gone on a loaded machine, hence not 100 ms here).
    Jvm.Done next = Jvm.run(home, "claim", manifest, "deploy", "--lock-timeout-ms", "2000");
    assertThat(next).succeeds();
    assertEquals(id, next.asResult().json().path("approval").path("approval_id").asText());
    if (!TestStore.POSTGRES) {
      assertEquals("ok", TestStore.of(home).text("PRAGMA integrity_check"));
    }
  }

  @Test
  void manyProcessesCreatingABrandNewDatabaseAllSucceed() throws Exception {
    TestStore.brandNew(home);
    List<Jvm.Done> done =
        race(12, "approve", manifest, "deploy", "--by", "ops", "--signer", "none");
    for (Jvm.Done d : done) {
      assertThat(d).succeeds();
    }
    assertEquals(12, count("SELECT count(*) FROM grants"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT version FROM flyway_schema_history"
                + " GROUP BY version HAVING count(*) > 1 OR min(CASE WHEN success THEN 1 ELSE 0 END) = 0) AS bad"),
        "each migration applied exactly once");
    assertTrue(count("SELECT count(*) FROM flyway_schema_history") > 0);
  }
}
