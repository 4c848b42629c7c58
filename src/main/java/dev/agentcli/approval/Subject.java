package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.manifest.TaskHash;

/**
 * What a decision is about: one task's exact binding (its hash and canonical JSON), the approval
 * rules that binding carries, and the manifest it was read from.
 */
public record Subject(
    String workflowId,
    String taskId,
    TaskHash taskHash,
    String bindingJson,
    ApprovalRules rules,
    String manifest,
    String manifestSha256) {

  /** The task as it is bound now. */
  public static Subject of(Task task, TaskBinding binding) {
    return new Subject(
        task.workflowId(),
        task.id(),
        binding.taskHash(),
        binding.json(),
        task.approval(),
        task.origin().manifest(),
        task.origin().sha256());
  }

  /**
   * A binding recorded earlier (by a request), judged by the rules it records: the task's own for
   * any grant that matches it.
   */
  public static Subject recorded(
      String workflowId,
      String taskId,
      TaskHash taskHash,
      String bindingJson,
      String manifest,
      String manifestSha256) {
    return new Subject(
        workflowId,
        taskId,
        taskHash,
        bindingJson,
        TaskBinding.approvalRules(bindingJson),
        manifest,
        manifestSha256);
  }

  /** {@code workflow/task}, the way people name a task in messages. */
  public String qualifiedId() {
    return workflowId + "/" + taskId;
  }
}
