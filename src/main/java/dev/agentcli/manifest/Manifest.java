package dev.agentcli.manifest;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, valid manifest: its tasks, where it came from, and the folder relative working
 * directories are resolved against.
 *
 * @param taskEnv the manifest's {@code task_env}: what its tasks inherit over the home's or the
 *     operator's task environment
 */
public record Manifest(
    String source, Path baseDir, String version, List<Task> tasks, TaskEnvironment taskEnv) {

  public Manifest {
    tasks = List.copyOf(tasks);
  }

  /**
   * Finds a task by id, within {@code workflowId} when given. A task id used by two workflows must
   * be qualified with the workflow.
   */
  public Task task(Optional<String> workflowId, String taskId) {
    List<Task> found =
        tasks.stream()
            .filter(t -> t.id().equals(taskId))
            .filter(t -> workflowId.isEmpty() || t.workflowId().equals(workflowId.get()))
            .toList();
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      String where = workflowId.map(w -> " in workflow '" + w + "'").orElse("");
      throw new AgentCliException(
          ErrorCode.TASK_NOT_FOUND,
          "no task '" + taskId + "'" + where + " in " + source,
          Map.of("task_id", taskId, "known_tasks", tasks.stream().map(Task::qualifiedId).toList()));
    }
    throw new AgentCliException(
        ErrorCode.TASK_AMBIGUOUS,
        "task '" + taskId + "' exists in several workflows; name one with --workflow",
        Map.of("task_id", taskId, "workflows", found.stream().map(Task::workflowId).toList()));
  }
}
