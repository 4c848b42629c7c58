package dev.agentcli;

import dev.agentcli.manifest.FileDigests;
import dev.agentcli.manifest.ManifestParser;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the manifests tests use: one workflow {@code release} with one task, as JSON or parsed.
 */
public final class TestManifest {
  private final String taskId;
  private String program = "echo";
  private final List<String> args = new ArrayList<>();
  private String approval = "{\"policy\": \"manual\"}";

  private TestManifest(String taskId) {
    this.taskId = taskId;
  }

  /** Task {@code id} of workflow {@code release}: runs {@code echo}, manual approval. */
  public static TestManifest task(String id) {
    return new TestManifest(id);
  }

  public TestManifest runs(String program, String... args) {
    this.program = program;
    this.args.clear();
    this.args.addAll(List.of(args));
    return this;
  }

  /** The task's {@code approval} block, as JSON. */
  public TestManifest approval(String json) {
    this.approval = json;
    return this;
  }

  public String json() {
    StringBuilder a = new StringBuilder();
    for (String arg : args) {
      a.append(a.length() == 0 ? "" : ", ").append('"').append(arg).append('"');
    }
    return "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"release\", \"tasks\": [{\"id\": \""
        + taskId
        + "\", \"shell\": {\"program\": \""
        + program
        + "\", \"args\": ["
        + a
        + "]}, \"approval\": "
        + approval
        + "}]}]}";
  }

  /** The task, parsed as if the manifest lived in {@code dir}. */
  public Task parse(Path dir) {
    return ManifestParser.parse(json().getBytes(StandardCharsets.UTF_8), "test", dir)
        .tasks()
        .get(0);
  }

  /** The task's binding in {@code dir}, with {@code PATH} as the only inherited variable. */
  public static TaskBinding bind(Task task, Path dir) {
    return TaskBinding.of(task, dir, Map.of("PATH", System.getenv("PATH")), FileDigests.DIRECT);
  }
}
