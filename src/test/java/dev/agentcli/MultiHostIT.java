package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts (separate homes, separate network namespaces reaching the server over TCP, see
 * SimulatedHosts) sharing one PostgreSQL store: racing for grants, the server killed and restarted
 * in the middle of claims, a host cut off inside a claim's transaction. After each: no grant used
 * twice, no approval lost, every consumption with its audit event, an intact trail, and only the
 * documented errors.
 */
class MultiHostIT {
  static final String UNSIGNED_OK = "{\"policy\": \"manual\", \"signature\": \"optional\"}";

  /** What a client may be told while the store is failing: the gate's refusal or a retry. */
  static final Set<String> RETRYABLE = Set.of("database_unavailable", "approval_lock_timeout");

  static SimulatedHosts network;

  @TempDir Path dir;
  List<SimulatedHosts.Host> hosts;
  List<Path> homes = new ArrayList<>();
  String manifest;

  @BeforeAll
  static void network() {
    network = SimulatedHosts.create(3);
  }

  @AfterAll
  static void unplug() {
    network.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    String url = PostgresServer.get().newEmptyDatabase();
    hosts = network.hosts();
    for (SimulatedHosts.Host h : hosts) {
      Path home = Files.createDirectory(dir.resolve(h.name()));
      TestStore.use(home, SimulatedHosts.seenFrom(h, url));
      homes.add(home);
    }
    // The same checkout on every host: the same task, the same binding.
    manifest =
        Files.writeString(dir.resolve("m.json"), Cli.oneTask(UNSIGNED_OK, "true")).toString();
  }

  Process on(int host, String... args) throws Exception {
    return Jvm.startUnder(
        hosts.get(host).wrapper(), homes.get(host), Map.of(), "dev.agentcli.Main", args);
  }

  Jvm.Done run(int host, String... args) throws Exception {
    return Jvm.await(on(host, args));
  }

  String approve(int host) throws Exception {
    Jvm.Done d = run(host, "approve", manifest, "deploy", "--by", "ops", "--signer", "none");
    assertThat(d).succeeds();
    return d.asResult().json().path("approval").path("approval_id").asText();
  }

  static String code(Jvm.Done d) {
    return d.asResult().code();
  }

  /** Off this machine, TLS is required unless the URL says otherwise: never plain text silently. */
  @Test
  void aServerOffTheHostIsReachedOnlyOverTls() throws Exception {
    Assumptions.assumeTrue(network.namespaced(), "the hosts reach the server off loopback");
    String plain = TestStore.of(homes.get(1)).name().replace("?sslmode=disable", "");
    Jvm.Done d =
        run(1, "approve", manifest, "deploy", "--by", "ops", "--signer", "none", "--db", plain);
    assertThat(d).fails(70, "database_tls_failed").errContains("sslmode=verify-full");
    assertTrue(!TestStore.of(homes.get(0)).exists(), "nothing was written over plain text");
  }

  @Test
  void sixteenProcessesOnThreeHostsUseEightGrantsExactlyOnce() throws Exception {
    Set<String> approved = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      approved.add(approve(i % 3));
    }
    List<Process> racing = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      // Patient racers: on a loaded machine sixteen JVMs may queue for the lock longer than the
      // default 5 s, which would be approval_lock_timeout (75), not what this test is about.
      racing.add(on(i % 3, "exec", manifest, "deploy", "--lock-timeout-ms", "60000"));
    }
    Set<String> used = new HashSet<>();
    int refused = 0;
    for (Process p : racing) {
      Jvm.Done d = Jvm.await(p);
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
    new Invariants(homes.get(0)).check(homes.get(0), approved, "three hosts");
  }

  @Test
  void theServerKilledAndRestartedInTheMiddleOfClaimsLosesAndRepeatsNothing() throws Exception {
    Set<String> approved = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      approved.add(approve(0));
    }
    List<Process> racing = new ArrayList<>();
    List<Boolean> approving = new ArrayList<>();
    for (int i = 0; i < 18; i++) {
      boolean approves = i % 3 == 2;
      racing.add(
          approves
              ? on(i % 3, "approve", manifest, "deploy", "--by", "ops", "--signer", "none")
              : on(i % 3, "exec", manifest, "deploy"));
      approving.add(approves);
    }
    // Claims are under way once the first consumption is in: then the server dies, as in a crash.
    TestStore store = TestStore.of(homes.get(0));
    for (int i = 0; i < 1200 && store.count("SELECT count(*) FROM consumptions") == 0; i++) {
      Thread.sleep(25);
    }
    PostgresServer.get().stopImmediately();
    Thread.sleep(2000);
    PostgresServer.get().startAgain();
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < racing.size(); i++) {
      Jvm.Done d = Jvm.await(racing.get(i));
      String outcome = d.status() == 0 ? "ok" : code(d);
      outcomes.merge(outcome, 1, Integer::sum);
      if (d.status() == 0 && approving.get(i)) {
        approved.add(d.asResult().json().path("approval").path("approval_id").asText());
      } else if (d.status() != 0) {
        assertTrue(
            outcome.equals("approval_required") && d.status() == 77
                || RETRYABLE.contains(outcome) && d.status() == 75,
            "only the gate's refusal or a retryable error: " + d);
      }
    }
    System.out.println("MultiHostIT restart: outcomes " + outcomes);
    assertTrue(
        outcomes.getOrDefault("database_unavailable", 0) > 0,
        "the restart happened while clients were at work: " + outcomes);
    Invariants after = new Invariants(homes.get(0));
    after.check(homes.get(0), approved, "after the restart " + outcomes);
    // Nothing was left locked or half-claimed: every grant not yet used can still be used, once.
    long left = after.count("SELECT count(*) FROM grant_status WHERE status = 'pending'");
    for (long i = 0; i < left; i++) {
      assertThat(run((int) i % 3, "exec", manifest, "deploy")).succeeds();
    }
    assertThat(run(1, "exec", manifest, "deploy")).fails(77, "approval_required");
    assertEquals(
        approved.size(), after.count("SELECT count(*) FROM consumptions"), "each grant once");
    after.check(homes.get(0), approved, "after the retries");
  }

  @Test
  void aHostCutOffInsideAClaimLeavesTheGrantToTheOthers() throws Exception {
    String id = approve(0);
    SimulatedHosts.Host cutOff = hosts.get(1);
    Process victim =
        Jvm.startUnder(
            cutOff.wrapper(),
            homes.get(1),
            Map.of(),
            "dev.agentcli.store.ClaimAndHang",
            manifest,
            "deploy",
            TestStore.of(homes.get(1)).name());
    try {
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("in-transaction", lines.readLine(), "host 1 is inside the claim");
      network.cut(cutOff, victim);
      assertThat(run(2, "claim", manifest, "deploy", "--lock-timeout-ms", "1000"))
          .fails(75, "approval_lock_timeout");
      // The server ends the silent host's transaction (PostgresConnections'
      // idle_in_transaction_session_timeout) and its lock with it: a retry gets the grant.
      Jvm.Done won = null;
      for (int attempt = 0; attempt < 30; attempt++) {
        Jvm.Done d = run(2, "claim", manifest, "deploy", "--lock-timeout-ms", "3000");
        if (d.status() == 0) {
          won = d;
          break;
        }
        assertThat(d).fails(75, "approval_lock_timeout");
      }
      assertTrue(won != null, "a claim got through once the server let go of host 1");
      assertEquals(id, won.asResult().json().path("approval").path("approval_id").asText());
    } finally {
      network.restore(cutOff, victim);
      victim.destroyForcibly();
      victim.waitFor();
    }
    assertThat(run(1, "claim", manifest, "deploy")).fails(77, "approval_required");
    Invariants after = new Invariants(homes.get(0));
    assertEquals(1, after.count("SELECT count(*) FROM consumptions"));
    after.check(homes.get(0), Set.of(id), "after the cut");
    System.out.println(
        "MultiHostIT cut: "
            + (network.namespaced() ? "link taken down" : "process frozen")
            + ", the grant went to host 2");
  }
}
