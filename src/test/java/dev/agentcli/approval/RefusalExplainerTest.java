package dev.agentcli.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentcli.TestClock;
import dev.agentcli.TestGrants;
import dev.agentcli.TestManifest;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.manifest.TaskHash;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why a claim found no usable grant, from what it read: pure, given the grants. */
class RefusalExplainerTest {
  static final Instant NOW = TestClock.T0.plusSeconds(60);

  @TempDir Path dir;
  Task task;
  TaskBinding binding;
  ClaimRequest any;

  @BeforeEach
  void task() {
    task = TestManifest.task("deploy").runs("echo", "v2").parse(dir);
    binding = TestManifest.bind(task, dir);
    any = new ClaimRequest("release", "deploy", binding.taskHash(), Optional.empty());
  }

  /** A grant by alice of this task's binding as {@code json} (hash {@code hash}). */
  Grant grantOf(String json, TaskHash hash) {
    return TestGrants.with(
        TestGrants.pending(TestClock.T0, Duration.ofMinutes(5)),
        Map.of(
            "workflow_id",
            "release",
            "task_id",
            "deploy",
            "task_binding",
            json,
            "task_hash",
            hash.value()));
  }

  Refusal explain(ClaimRequest request, ClaimAttempt attempt, List<Grant> history) {
    return RefusalExplainer.explain(task, binding, request, attempt, history, NOW);
  }

  static ClaimAttempt nothing() {
    return new ClaimAttempt(Optional.empty(), List.of(), List.of());
  }

  @Test
  void neverApproved() {
    Refusal r = explain(any, nothing(), List.of());
    assertEquals(ErrorCode.APPROVAL_REQUIRED, r.code());
    assertEquals("no grant was ever approved for this task", r.details().get("why"));
  }

  @Test
  void theLatestGrantWasUsed() {
    Grant used =
        grantOf(binding.json(), binding.taskHash())
            .withUse(new Grant.Consumption("run-1", TestClock.T0.plusSeconds(5)));
    Refusal r = explain(any, nothing(), List.of(used));
    assertEquals(
        "its latest grant "
            + used.approvalId()
            + " (by alice) is consumed, at "
            + Timestamps.format(TestClock.T0.plusSeconds(5))
            + " by execution run-1",
        r.details().get("why"));
  }

  @Test
  void theTaskChangedSinceItWasApproved() {
    Task v1 = TestManifest.task("deploy").runs("echo", "v1").parse(dir);
    TaskBinding old = TestManifest.bind(v1, dir);
    Grant g = grantOf(old.json(), old.taskHash());
    Refusal r = explain(any, nothing(), List.of(g));
    assertEquals(
        "the task changed since it was last approved (grant "
            + g.approvalId()
            + " by alice): argument 1 changed",
        r.details().get("why"));
  }

  @Test
  void aPinnedGrantThatIsUnknownOrOfAnotherTask() {
    Grant other =
        TestGrants.with(grantOf(binding.json(), binding.taskHash()), "task_id", "rollback");
    ClaimRequest pinned =
        new ClaimRequest("release", "deploy", binding.taskHash(), Optional.of(other.approvalId()));
    assertEquals("no such grant", explain(pinned, nothing(), List.of()).details().get("why"));
    assertEquals(
        "it approves task release/rollback",
        explain(pinned, nothing(), List.of(other)).details().get("why"));
  }

  @Test
  void refusedCandidatesComeFirstWithTheirRule() {
    Grant g = grantOf(binding.json(), binding.taskHash());
    Verdict bad = Verdict.broke("timeout_s", "the grant lives too long", null);
    Refusal r =
        explain(
            any,
            new ClaimAttempt(
                Optional.empty(), List.of(new ClaimAttempt.Rejection(g, bad)), List.of()),
            List.of(g));
    assertEquals(ErrorCode.APPROVAL_POLICY_VIOLATED, r.code());
    assertEquals(
        "1 matching grant(s) refused, none consumed; grant "
            + g.approvalId()
            + ": the grant lives too long",
        r.message());
  }

  @Test
  void aGrantWhoseUseIsHiddenIsTampering() {
    Grant g = grantOf(binding.json(), binding.taskHash());
    Refusal r =
        explain(
            any,
            new ClaimAttempt(
                Optional.empty(),
                List.of(),
                List.of(new ClaimAttempt.Replay(g, "a consumptions row records its use"))),
            List.of(g));
    assertEquals(ErrorCode.APPROVAL_TAMPERED, r.code());
    assertEquals(List.of(g.approvalId().value()), r.details().get("replayed"));
  }
}
