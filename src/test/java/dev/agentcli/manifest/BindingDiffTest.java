package dev.agentcli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentcli.TestManifest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What changed between the binding a grant approved and the task now: pure, on real bindings. */
class BindingDiffTest {
  @TempDir Path dir;

  String binding(TestManifest m) {
    return TestManifest.bind(m.parse(dir), dir).json();
  }

  @Test
  void theSameBindingHasNoChanges() {
    String b = binding(TestManifest.task("deploy").runs("echo", "a"));
    assertEquals(List.of(), BindingDiff.between(b, b));
  }

  @Test
  void eachChangedFieldIsNamedWithoutShowingHashedValues() {
    String was = binding(TestManifest.task("deploy").runs("echo", "a", "b"));
    assertEquals(
        List.of("argument 2 changed"),
        BindingDiff.between(was, binding(TestManifest.task("deploy").runs("echo", "a", "c"))));
    assertEquals(
        List.of("argument count 2 -> 1"),
        BindingDiff.between(was, binding(TestManifest.task("deploy").runs("echo", "a"))));
  }

  @Test
  void approvalFieldsAreShownWithTheirValues() {
    String was = binding(TestManifest.task("deploy").approval("{\"policy\": \"manual\"}"));
    String now =
        binding(
            TestManifest.task("deploy")
                .approval(
                    "{\"policy\": \"manual\", \"timeout_s\": 60, \"signature\": \"optional\"}"));
    assertEquals(
        List.of("approval.signature \"required\" -> \"optional\"", "approval.timeout_s 3600 -> 60"),
        BindingDiff.between(was, now));
  }

  @Test
  void theApprovalBlockRoundTripsThroughTheBinding() {
    Task task =
        TestManifest.task("deploy")
            .approval(
                "{\"policy\": \"manual\", \"approver_scope\": [\"domain:example.com\"],"
                    + " \"timeout_s\": 60, \"risk_level\": \"high\", \"signature\": \"optional\"}")
            .parse(dir);
    assertEquals(task.approval(), TaskBinding.approvalRules(TestManifest.bind(task, dir).json()));
  }
}
