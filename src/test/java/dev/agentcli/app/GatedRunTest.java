package dev.agentcli.app;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import dev.agentcli.TestFiles;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.manifest.Manifest;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gated run's outcomes, in process: refused, undecided, denied (and still denied when asked
 * again), ran after an approval. Waiting passes on the test's clock; a person decides while the
 * agent waits, through the CLI on the same home.
 */
class GatedRunTest {
  @TempDir Path home;
  Cli person;
  String manifest;
  Path marker;
  Consumer<String> whileWaiting = id -> {};

  @BeforeEach
  void task() {
    person = new Cli(home);
    marker = home.resolve("ran");
    manifest =
        person.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\"}",
                "sh",
                "-c",
                "echo ran >> " + marker));
  }

  GatedRun.Outcome run(Optional<Duration> patience) {
    String[] waitingOn = new String[1];
    Context ctx =
        person.context(
            () -> {
              Consumer<String> once = whileWaiting; // a person decides once
              whileWaiting = id -> {};
              once.accept(waitingOn[0]);
            });
    try (Services services = new Services(ctx, new Settings(ctx, Settings.Flags.NONE))) {
      Manifest m = services.manifests().load(manifest);
      Task task = m.task(Optional.empty(), "deploy");
      TaskBinding binding =
          TaskBinding.of(task, m.baseDir(), services.inheritedEnv(), services.fileDigests());
      return GatedRun.run(
          services,
          task,
          binding,
          Optional.empty(),
          Optional.empty(),
          TaskRunner.Mode.CAPTURE,
          OutputStream.nullOutputStream(),
          OutputStream.nullOutputStream(),
          patience.map(
              p ->
                  new GatedRun.Ask(
                      "release", Caller.as("agent", ctx), p, id -> waitingOn[0] = id.value())));
    }
  }

  @Test
  void withoutAGrantAndWithoutPatienceTheGateRefusesAndNothingRuns() {
    GatedRun.Refused r = assertInstanceOf(GatedRun.Refused.class, run(Optional.empty()));
    assertEquals(ErrorCode.APPROVAL_REQUIRED, r.refusal().code());
    assertFalse(Files.exists(marker));
    assertEquals(0, person.count("SELECT count(*) FROM requests"));
  }

  @Test
  void patienceEndingFirstLeavesTheRequestPendingAndNothingRun() throws Exception {
    GatedRun.Undecided u =
        assertInstanceOf(GatedRun.Undecided.class, run(Optional.of(Duration.ofMinutes(2))));
    assertEquals(ErrorCode.APPROVAL_TIMED_OUT, u.refusal().code());
    assertEquals(u.requestId().value(), person.onlyPendingRequest());
    assertFalse(Files.exists(marker));
  }

  @Test
  void aDenialEndsTheWaitAndStandsWhenTheSameAgentAsksAgain(@TempDir Path keys) throws Exception {
    Path bob = TestFiles.ed25519(keys, "bob");
    assertThat(person.run("signers", "add", "bob@example.com", bob + ".pub")).succeeds();
    whileWaiting =
        id -> assertThat(person.deny(id, "bob@example.com", "not today", bob)).succeeds();
    GatedRun.Refused r =
        assertInstanceOf(GatedRun.Refused.class, run(Optional.of(Duration.ofMinutes(2))));
    assertEquals(ErrorCode.APPROVAL_DENIED, r.refusal().code());
    assertTrue(r.refusal().message().contains("bob@example.com: not today"), r.toString());
    GatedRun.Refused again =
        assertInstanceOf(GatedRun.Refused.class, run(Optional.of(Duration.ofMinutes(2))));
    assertEquals(r.refusal(), again.refusal());
    assertEquals(1, person.count("SELECT count(*) FROM requests"), "nobody is asked again");
    assertFalse(Files.exists(marker));
  }

  @Test
  void anApprovalWhileWaitingRunsTheTaskOnceWithTheRequestsGrant() throws Exception {
    whileWaiting =
        id ->
            assertThat(person.run("approve", id, "--by", "alice@example.com", "--signer", "none"))
                .succeeds();
    GatedRun.Ran ran =
        assertInstanceOf(GatedRun.Ran.class, run(Optional.of(Duration.ofMinutes(2))));
    assertEquals(0, ran.outcome().result().exitCode());
    assertEquals("alice@example.com", ran.outcome().approvalUsed().approver());
    assertEquals(ran.requestId(), ran.outcome().approvalUsed().requestId());
    assertEquals("ran\n", Files.readString(marker));
  }

  @Test
  void askingAgainAfterTheRequestExpiredSaysSoAndAsksAnew() {
    GatedRun.Undecided first =
        assertInstanceOf(GatedRun.Undecided.class, run(Optional.of(Duration.ofMinutes(1))));
    person.advance(Duration.ofHours(2)); // past the request's time to decide
    GatedRun.Undecided second =
        assertInstanceOf(GatedRun.Undecided.class, run(Optional.of(Duration.ofMinutes(1))));
    assertNotEquals(first.requestId(), second.requestId());
    assertTrue(
        second
            .refusal()
            .message()
            .contains("request " + first.requestId() + " for the same expired undecided at"),
        second.toString());
    assertEquals(first.requestId().value(), second.refusal().details().get("expired_request_id"));
    GatedRun.Undecided third =
        assertInstanceOf(GatedRun.Undecided.class, run(Optional.of(Duration.ofMinutes(1))));
    assertEquals(second.requestId(), third.requestId(), "the pending one is joined");
    assertFalse(third.refusal().details().containsKey("expired_request_id"), third.toString());
    assertFalse(Files.exists(marker));
  }
}
