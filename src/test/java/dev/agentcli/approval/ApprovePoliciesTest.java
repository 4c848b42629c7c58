package dev.agentcli.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.TestManifest;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Task;
import dev.agentcli.signing.AllowedSigners;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approve's rules as values, each on its own and in order: pure, no database. */
class ApprovePoliciesTest {
  @TempDir Path dir;

  ApproveRequest request(String approval, String by, Duration ttl, SignerChoice signer) {
    Task task = TestManifest.task("deploy").approval(approval).parse(dir);
    return new ApproveRequest(
        Subject.of(task, TestManifest.bind(task, dir)),
        by,
        null,
        Optional.ofNullable(ttl),
        signer,
        Optional.empty(),
        Optional.empty());
  }

  static ApprovePolicies policies(boolean unsignedPermitted) {
    return new ApprovePolicies(
        new GrantCheck(
            new GrantVerifier(() -> AllowedSigners.parse("", "test"), GrantVerifierIT.NO_PASSKEYS),
            unsignedPermitted));
  }

  Optional<ErrorCode> broken(ApproveRequest r, boolean unsignedPermitted) {
    return policies(unsignedPermitted).firstBroken(r).map(Refusal::code);
  }

  @Test
  void aRequestThatMeetsEveryRuleHasNoRefusal() {
    ApproveRequest r =
        request(
            "{\"policy\": \"manual\", \"approver_scope\": [\"domain:example.com\"]}",
            "alice@example.com",
            Duration.ofMinutes(5),
            SignerChoice.SSH);
    assertEquals(Optional.empty(), broken(r, false));
  }

  @Test
  void onlyAManualTaskTakesAGrant() {
    for (String policy : new String[] {"auto-reject", "auto-approve"}) {
      ApproveRequest r =
          request("{\"policy\": \"" + policy + "\"}", "alice", null, SignerChoice.SSH);
      assertEquals(Optional.of(ErrorCode.POLICY_FORBIDS_APPROVAL), broken(r, true), policy);
    }
  }

  @Test
  void theApproverMustBeInScope() {
    ApproveRequest r =
        request(
            "{\"policy\": \"manual\", \"approver_scope\": [\"domain:example.com\"]}",
            "mallory@evil.test",
            null,
            SignerChoice.SSH);
    Refusal refusal = policies(false).firstBroken(r).orElseThrow();
    assertEquals(ErrorCode.APPROVAL_SCOPE_MISMATCH, refusal.code());
    assertEquals("domain:example.com", refusal.details().get("approver_scope"));
  }

  @Test
  void anUnsignedGrantNeedsTheTaskAndTheOperatorToAllowIt() {
    String optional = "{\"policy\": \"manual\", \"signature\": \"optional\"}";
    String required = "{\"policy\": \"manual\"}";
    assertEquals(Optional.empty(), broken(request(optional, "ops", null, SignerChoice.NONE), true));
    assertEquals(
        Optional.of(ErrorCode.APPROVAL_SIGNATURE_INVALID),
        broken(request(optional, "ops", null, SignerChoice.NONE), false),
        "the operator does not allow it");
    assertEquals(
        Optional.of(ErrorCode.APPROVAL_SIGNATURE_INVALID),
        broken(request(required, "ops", null, SignerChoice.NONE), true),
        "the task does not allow it");
  }

  @Test
  void theLifetimeIsAtLeastASecondAndAtMostTheTasksTimeout() {
    String block = "{\"policy\": \"manual\", \"timeout_s\": 60}";
    assertEquals(
        Optional.of(ErrorCode.INPUT_INVALID),
        broken(request(block, "ops", Duration.ofMillis(500), SignerChoice.SSH), false));
    assertEquals(
        Optional.of(ErrorCode.APPROVAL_TTL_TOO_LONG),
        broken(request(block, "ops", Duration.ofSeconds(61), SignerChoice.SSH), false));
    assertEquals(
        Optional.empty(),
        broken(request(block, "ops", Duration.ofSeconds(60), SignerChoice.SSH), false));
    assertEquals(
        Duration.ofSeconds(60),
        ApprovePolicies.lifetime(request(block, "ops", null, SignerChoice.SSH)),
        "without --ttl a grant lives as long as the task allows");
  }

  @Test
  void theFirstBrokenRuleDecides() {
    ApproveRequest r =
        request(
            "{\"policy\": \"auto-reject\", \"approver_scope\": [\"domain:example.com\"]}",
            "mallory@evil.test",
            Duration.ofDays(9),
            SignerChoice.NONE);
    assertTrue(broken(r, false).isPresent());
    assertEquals(Optional.of(ErrorCode.POLICY_FORBIDS_APPROVAL), broken(r, false));
  }
}
