package dev.agentcli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns manifest bytes into a {@link Manifest}, collecting every problem with its JSON path rather
 * than stopping at the first. It fails closed: an unknown key in a task, its {@code shell} or its
 * {@code approval} block is an error (a misspelled {@code "aproval"} must not leave a task
 * ungated); the Node tool's other task blocks are accepted by name and ignored.
 */
public final class ManifestParser extends Checks {
  private static final Set<String> VERSIONS = Set.of("0.1", "0.2");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** A task's keys: the gate's own, and the Node tool's blocks that the gate does not need. */
  private static final Set<String> TASK_KEYS =
      Set.of(
          "id",
          "name",
          "description",
          "shell",
          "approval",
          "runtime",
          "identity",
          "contract",
          "evidence",
          "schedule",
          "target",
          "prompt",
          "verify",
          "output",
          "intent",
          "inputs",
          "outputs",
          "depends_on",
          "tags",
          "metadata");

  private static final Set<String> SHELL_KEYS =
      Set.of("program", "args", "cwd", "env", "stdin", "bind_files", "secret_env");

  private Task.Origin origin;

  private ManifestParser() {}

  /** The problems in {@code bytes}; empty when the manifest is valid. */
  public static List<Problem> check(byte[] bytes) {
    ManifestParser parser = new ManifestParser();
    parser.parse(bytes);
    return List.copyOf(parser.problems);
  }

  /**
   * Parses {@code bytes}, or throws {@code manifest_invalid} listing every problem.
   *
   * @param source how to name the manifest in messages
   * @param baseDir the folder that relative working directories start from
   */
  public static Manifest parse(byte[] bytes, String source, Path baseDir) {
    ManifestParser parser = new ManifestParser();
    parser.origin = new Task.Origin(source, Sha256.of(bytes));
    Parsed parsed = parser.parse(bytes);
    if (!parser.problems.isEmpty()) {
      throw invalid(source, parser.problems);
    }
    return new Manifest(source, baseDir, parsed.version, parsed.tasks, parsed.taskEnv);
  }

  /**
   * A command rule's approval block (how a rule that asks asks), read like a task's but without a
   * policy: the rule's decision is the policy. Null reads as the defaults.
   */
  public static ApprovalRules ruleApproval(Object node, String source, String path) {
    ManifestParser parser = new ManifestParser();
    if (node instanceof Map<?, ?> block
        && (block.containsKey("policy") || block.containsKey("required"))) {
      parser.problems.add(new Problem(path, "has no policy: the rule's decision is its policy"));
    }
    ApprovalRules rules = ApprovalBlock.read(parser, node == null ? Map.of() : node, path);
    if (!parser.problems.isEmpty()) {
      throw invalid(source, parser.problems);
    }
    return rules;
  }

  private static AgentCliException invalid(String source, List<Problem> problems) {
    String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
    return new AgentCliException(
        ErrorCode.MANIFEST_INVALID,
        "invalid manifest " + source + ": " + problems.get(0) + more,
        Map.of(
            "manifest",
            source,
            "problems",
            problems.stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList()));
  }

  private record Parsed(String version, List<Task> tasks, TaskEnvironment taskEnv) {
    Parsed(String version, List<Task> tasks) {
      this(version, tasks, TaskEnvironment.NONE);
    }
  }

  private Parsed parse(byte[] bytes) {
    Object root;
    try {
      root = Json.parse(bytes);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      problems.add(new Problem("$", "not valid JSON: " + e.getOriginalMessage() + where));
      return new Parsed(null, List.of());
    } catch (IOException | RuntimeException e) {
      problems.add(new Problem("$", "not readable as JSON: " + e.getMessage()));
      return new Parsed(null, List.of());
    }
    if (!(root instanceof Map<?, ?> manifest)) {
      problems.add(new Problem("$", "must be a JSON object"));
      return new Parsed(null, List.of());
    }
    String version = null;
    Object v = manifest.get("version");
    if (v == null) {
      problems.add(new Problem("$.version", "required (\"0.1\" or \"0.2\")"));
    } else if (!(v instanceof String text) || !VERSIONS.contains(text)) {
      problems.add(new Problem("$.version", "must be \"0.1\" or \"0.2\", not " + show(v)));
    } else {
      version = text;
    }
    TaskEnvironment taskEnv =
        manifest.containsKey("task_env")
            ? TaskEnvironment.read(manifest.get("task_env"), "$.task_env", problems)
            : TaskEnvironment.NONE;
    List<Task> tasks = new ArrayList<>();
    if (!(manifest.get("workflows") instanceof List<?> workflows)) {
      problems.add(new Problem("$.workflows", "required: an array of workflows"));
      return new Parsed(version, tasks);
    }
    Set<String> workflowIds = new HashSet<>();
    for (int w = 0; w < workflows.size(); w++) {
      String wPath = "$.workflows[" + w + "]";
      if (!(workflows.get(w) instanceof Map<?, ?> workflow)) {
        problems.add(new Problem(wPath, "must be an object"));
        continue;
      }
      String workflowId = id(workflow, wPath);
      if (workflowId != null && !workflowIds.add(workflowId)) {
        problems.add(new Problem(wPath + ".id", "duplicate workflow id '" + workflowId + "'"));
      }
      if (!(workflow.get("tasks") instanceof List<?> taskList)) {
        problems.add(new Problem(wPath + ".tasks", "required: an array of tasks"));
        continue;
      }
      Set<String> taskIds = new HashSet<>();
      for (int t = 0; t < taskList.size(); t++) {
        String tPath = wPath + ".tasks[" + t + "]";
        if (!(taskList.get(t) instanceof Map<?, ?> task)) {
          problems.add(new Problem(tPath, "must be an object"));
          continue;
        }
        String taskId = id(task, tPath);
        if (taskId != null && !taskIds.add(taskId)) {
          problems.add(new Problem(tPath + ".id", "duplicate task id '" + taskId + "'"));
        }
        Task parsed = task(workflowId, taskId, task, tPath);
        if (parsed != null) {
          tasks.add(parsed);
        }
      }
    }
    return new Parsed(version, tasks, taskEnv);
  }

  private String id(Map<?, ?> owner, String path) {
    Object id = owner.get("id");
    if (id == null) {
      problems.add(new Problem(path + ".id", "required"));
      return null;
    }
    if (!(id instanceof String text) || !ID.matcher(text).matches()) {
      problems.add(
          new Problem(
              path + ".id",
              "must be a string of letters, digits and . _ : @ + - (at most 200), not "
                  + show(id)));
      return null;
    }
    return text;
  }

  private Task task(String workflowId, String taskId, Map<?, ?> task, String path) {
    int before = problems.size();
    known(task, TASK_KEYS, path);
    List<String> bindFiles = new ArrayList<>();
    List<String> secretEnv = new ArrayList<>();
    String program = null;
    List<String> args = new ArrayList<>();
    String cwd = null;
    Map<String, String> env = new LinkedHashMap<>();
    String stdin = null;
    if (!(task.get("shell") instanceof Map<?, ?> shell)) {
      problems.add(new Problem(path + ".shell", "required: an object with a program"));
    } else {
      String sPath = path + ".shell";
      known(shell, SHELL_KEYS, sPath);
      program = text(shell, "program", sPath, true);
      if (program != null && program.isEmpty()) {
        problems.add(new Problem(sPath + ".program", "must not be empty"));
      }
      Object argNodes = shell.get("args");
      if (argNodes != null && !(argNodes instanceof List<?>)) {
        problems.add(new Problem(sPath + ".args", "must be an array of strings"));
      } else if (argNodes instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          String argPath = sPath + ".args[" + i + "]";
          if (!(list.get(i) instanceof String arg)) {
            problems.add(new Problem(argPath, "must be a string, not " + show(list.get(i))));
          } else if (noNul(arg, argPath) && fitsExec(arg, argPath)) {
            args.add(arg);
          }
        }
      }
      cwd = text(shell, "cwd", sPath, false);
      if (cwd != null && cwd.isEmpty()) {
        problems.add(new Problem(sPath + ".cwd", "must not be empty"));
      }
      Object envNode = shell.get("env");
      if (envNode != null && !(envNode instanceof Map<?, ?>)) {
        problems.add(new Problem(sPath + ".env", "must be an object of strings"));
      } else if (envNode instanceof Map<?, ?> vars) {
        vars.forEach(
            (k, value) -> {
              String name = String.valueOf(k);
              String keyPath = sPath + ".env." + name;
              if (!ENV_NAME.matcher(name).matches()) {
                problems.add(new Problem(keyPath, "is not a valid environment variable name"));
              } else if (!(value instanceof String text)) {
                problems.add(new Problem(keyPath, "must be a string, not " + show(value)));
              } else if (noNul(text, keyPath) && fitsExec(name + "=" + text, keyPath)) {
                env.put(name, text);
              }
            });
      }
      stdin = text(shell, "stdin", sPath, false);
      Object secretNode = shell.get("secret_env");
      if (secretNode != null && !(secretNode instanceof List<?>)) {
        problems.add(new Problem(sPath + ".secret_env", "must be an array of variable names"));
      } else if (secretNode instanceof List<?> names) {
        for (int i = 0; i < names.size(); i++) {
          if (!(names.get(i) instanceof String name) || !ENV_NAME.matcher(name).matches()) {
            problems.add(
                new Problem(
                    sPath + ".secret_env[" + i + "]",
                    "must be an environment variable name, not " + show(names.get(i))));
          } else {
            secretEnv.add(name);
          }
        }
      }
      Object bindNode = shell.get("bind_files");
      if (bindNode != null && !(bindNode instanceof List<?>)) {
        problems.add(new Problem(sPath + ".bind_files", "must be an array of paths or globs"));
      } else if (bindNode instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          String itemPath = sPath + ".bind_files[" + i + "]";
          if (!(list.get(i) instanceof String file) || file.isEmpty() || file.startsWith("/")) {
            problems.add(
                new Problem(
                    itemPath,
                    "must be a path or glob relative to the working directory, not "
                        + show(list.get(i))));
          } else if (noNul(file, itemPath)) {
            bindFiles.add(file);
          }
        }
      }
    }
    Long timeoutMs = null;
    if (task.get("runtime") instanceof Map<?, ?> runtime && runtime.containsKey("timeout_ms")) {
      timeoutMs = positive(runtime.get("timeout_ms"), path + ".runtime.timeout_ms", Long.MAX_VALUE);
    }
    ApprovalRules approval = ApprovalBlock.read(this, task.get("approval"), path + ".approval");
    if (problems.size() > before || workflowId == null || taskId == null) {
      return null;
    }
    return new Task(
        workflowId,
        taskId,
        program,
        args,
        cwd,
        env,
        stdin,
        timeoutMs,
        bindFiles,
        secretEnv,
        approval,
        origin,
        task.get("description") instanceof String d
            ? d
            : task.get("name") instanceof String n ? n : null);
  }
}
