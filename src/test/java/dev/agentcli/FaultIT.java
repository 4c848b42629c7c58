package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults for real: processes killed with SIGKILL at random moments while they approve, claim, exec
 * and revoke at once, a full disk, a truncated database. After each round the invariants are
 * checked on the database file.
 */
class FaultIT {
  @TempDir Path home;

  static final int ROUNDS = 6;
  static final int PROCESSES = 8;

  @Test
  void killingProcessesAtRandomMomentsBreaksNoInvariant() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String m =
        new Cli(home)
            .manifest(
                "m.json",
                Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    Set<String> approvedOk = new HashSet<>();
    int killed = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<Process> procs = new ArrayList<>();
      List<Boolean> approving = new ArrayList<>();
      for (int p = 0; p < PROCESSES; p++) {
        int kind = random.nextInt(4);
        String[] args =
            switch (kind) {
              case 0 -> new String[] {"approve", m, "deploy", "--by", "ops", "--signer", "none"};
              case 1 -> new String[] {"claim", m, "deploy"};
              case 2 -> new String[] {"exec", m, "deploy"};
              default -> new String[] {"approvals", "list", "--status", "pending", "--limit", "1"};
            };
        procs.add(Jvm.agentcli(home, args));
        approving.add(kind == 0);
      }
      // Kill half of them, each after a random delay: before start-up, inside a transaction, after.
      for (int p = 0; p < PROCESSES; p += 2) {
        Thread.sleep(random.nextInt(400));
        procs.get(p).destroyForcibly();
        killed++;
      }
      for (int p = 0; p < PROCESSES; p++) {
        Jvm.Done d = Jvm.await(procs.get(p));
        if (approving.get(p) && d.status() == 0) {
          approvedOk.add(
              new ObjectMapper().readTree(d.out()).path("approval").path("approval_id").asText());
        }
      }
      // A revoke of some pending grant, killed at a random moment too.
      Invariants db = new Invariants(home);
      if (TestStore.of(home).exists()
          && db.count("SELECT count(*) FROM grant_status WHERE status = 'pending'") > 0) {
        String pending =
            db.text("SELECT approval_id FROM grant_status WHERE status = 'pending' LIMIT 1");
        Process revoke = Jvm.agentcli(home, "approvals", "revoke", pending);
        Thread.sleep(random.nextInt(600));
        revoke.destroyForcibly();
        Jvm.await(revoke);
        killed++;
      }
      if (!TestStore.of(home).exists()) {
        continue;
      }
      new Invariants(home).check(home, approvedOk, "seed " + seed + ", round " + round);
    }
    assertTrue(killed >= ROUNDS * PROCESSES / 2, "faults injected: " + killed);
    System.out.println(
        "FaultIT: seed "
            + seed
            + ", "
            + killed
            + " processes killed, "
            + approvedOk.size()
            + " approvals returned");
  }

  @Test
  @SqliteOnly
  void fullDiskFailsCleanlyAndWritesNothingHalfway() throws Exception {
    Path mount = Files.createDirectories(home.resolve("tiny"));
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(p.waitFor() == 0, "this machine lets the tests mount a tiny tmpfs");
    try {
      Cli cli = new Cli(home).env("AGENTCLI_HOME", mount.toString());
      String m =
          cli.manifest(
              "m.json",
              Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
      String reason = "x".repeat(3900);
      int approved = 0;
      Cli.Result r = null;
      for (int i = 0; i < 1000; i++) {
        r = cli.run("approve", m, "deploy", "--by", "ops", "--signer", "none", "--reason", reason);
        if (r.status() != 0) {
          break;
        }
        approved++;
      }
      assertTrue(approved > 0);
      assertThat(r).fails(70, "database_full");
      Path db = mount.resolve("state/agentcli.db");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*), (SELECT integrity_check FROM pragma_integrity_check) FROM grants")) {
        rs.next();
        assertEquals(
            approved,
            rs.getInt(1),
            "every approve that returned 0 is there, the failed one is not");
        assertEquals("ok", rs.getString(2));
      }
    } finally {
      new ProcessBuilder("umount", mount.toString()).start().waitFor();
    }
  }

  @Test
  @SqliteOnly
  void truncatedDatabaseIsAClearErrorNotACrash() throws Exception {
    Cli cli = new Cli(home);
    String m =
        cli.manifest(
            "m.json", Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    for (int i = 0; i < 20; i++) {
      cli.run(
          "approve", m, "deploy", "--by", "ops", "--signer", "none", "--reason", "r".repeat(2000));
    }
    Path db = home.resolve("state/agentcli.db");
    long size = Files.size(db);
    try (var ch = java.nio.channels.FileChannel.open(db, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size / 2);
    }
    Cli.Result r = cli.run("approvals", "list");
    assertThat(r).fails(70, "database_error");
    assertTrue(
        r.error().path("error").asText().contains("not a usable agentcli database"), r.toString());
  }
}
