package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Manifest;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.profile.Phases;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code <manifest> <task> [--workflow]} that names one task, shared by the task commands. */
final class TaskArguments implements Definition.Defined {
  String manifest;
  String task;
  String workflow;

  /** The named task and its binding on this machine. */
  record Resolved(Manifest manifest, Task task, TaskBinding binding) {}

  @Override
  public void define(Definition d) {
    d.positional(String.class, "0")
        .label("<manifest>")
        .text(
            "Manifest: a path (with a /, e.g. ./release.json), - for stdin, or a bare name, looked up"
                + " only under the manifests folder (<home>/manifests/, or the operator's).")
        .to(v -> manifest = v);
    d.positional(String.class, "1").label("<task>").text("The task's id.").to(v -> task = v);
    d.option(String.class, "--workflow")
        .label("<id>")
        .text("The workflow the task is in (needed when two workflows use the task id).")
        .to(v -> workflow = v);
  }

  Resolved resolve(Services services, Context ctx) {
    Manifest m = services.manifests().load(manifest);
    Task t = m.task(Optional.ofNullable(workflow), task);
    Phases.mark("manifest_read");
    TaskBinding binding =
        TaskBinding.of(t, m.baseDir(), services.taskEnv(m.taskEnv()), services.fileDigests());
    Phases.mark("task_bound");
    return new Resolved(m, t, binding);
  }

  /** Adds to {@code approval_required} the command that would approve the task as it is now. */
  AgentCliException withApproveHint(AgentCliException e) {
    if (e.code() != ErrorCode.APPROVAL_REQUIRED) {
      return e;
    }
    Map<String, Object> details = new LinkedHashMap<>(e.details());
    details.put(
        "hint",
        "approve it with: agentcli approve "
            + manifest
            + " "
            + task
            + (workflow == null ? "" : " --workflow " + workflow)
            + " --by <principal>");
    return new AgentCliException(e.code(), e.getMessage(), details, e);
  }
}
