package dev.agentcli.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
 * than stopping at the first. Blocks the gate does not use are tolerated and ignored.
 */
public final class ManifestParser {
  private static final Set<String> VERSIONS = Set.of("0.1", "0.2");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_NESTING = 64;
  private static final long MAX_TIMEOUT_S = 30L * 24 * 3600;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
  }

  private final List<Problem> problems = new ArrayList<>();

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
    Parsed parsed = parser.parse(bytes);
    if (!parser.problems.isEmpty()) {
      throw invalid(source, parser.problems);
    }
    return new Manifest(source, baseDir, parsed.version, parsed.tasks);
  }

  private static AgentCliException invalid(String source, List<Problem> problems) {
    String more = problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "";
    return new AgentCliException(
        ErrorCode.MANIFEST_INVALID,
        "invalid manifest " + source + ": " + problems.get(0) + more,
        Map.of(
            "manifest", source,
            "problems",
            problems.stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList()));
  }

  private record Parsed(String version, List<Task> tasks) {}

  private Parsed parse(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      problems.add(new Problem("$", "not valid JSON: " + e.getOriginalMessage() + location(e)));
      return new Parsed(null, List.of());
    } catch (IOException e) {
      problems.add(new Problem("$", "not readable as JSON: " + e.getMessage()));
      return new Parsed(null, List.of());
    }
    if (root == null || !root.isObject()) {
      problems.add(new Problem("$", "must be a JSON object"));
      return new Parsed(null, List.of());
    }
    String version = null;
    JsonNode v = root.get("version");
    if (v == null) {
      problems.add(new Problem("$.version", "required (\"0.1\" or \"0.2\")"));
    } else if (!v.isTextual() || !VERSIONS.contains(v.asText())) {
      problems.add(new Problem("$.version", "must be \"0.1\" or \"0.2\", not " + v));
    } else {
      version = v.asText();
    }
    List<Task> tasks = new ArrayList<>();
    JsonNode workflows = root.get("workflows");
    if (workflows == null || !workflows.isArray()) {
      problems.add(new Problem("$.workflows", "required: an array of workflows"));
      return new Parsed(version, tasks);
    }
    Set<String> workflowIds = new HashSet<>();
    for (int w = 0; w < workflows.size(); w++) {
      String wPath = "$.workflows[" + w + "]";
      JsonNode workflow = workflows.get(w);
      if (!workflow.isObject()) {
        problems.add(new Problem(wPath, "must be an object"));
        continue;
      }
      String workflowId = id(workflow, wPath);
      if (workflowId != null && !workflowIds.add(workflowId)) {
        problems.add(new Problem(wPath + ".id", "duplicate workflow id '" + workflowId + "'"));
      }
      JsonNode taskNodes = workflow.get("tasks");
      if (taskNodes == null || !taskNodes.isArray()) {
        problems.add(new Problem(wPath + ".tasks", "required: an array of tasks"));
        continue;
      }
      Set<String> taskIds = new HashSet<>();
      for (int t = 0; t < taskNodes.size(); t++) {
        String tPath = wPath + ".tasks[" + t + "]";
        JsonNode task = taskNodes.get(t);
        if (!task.isObject()) {
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
    return new Parsed(version, tasks);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  private String id(JsonNode owner, String path) {
    JsonNode id = owner.get("id");
    if (id == null) {
      problems.add(new Problem(path + ".id", "required"));
      return null;
    }
    if (!id.isTextual() || !ID.matcher(id.asText()).matches()) {
      problems.add(
          new Problem(
              path + ".id",
              "must be a string of letters, digits and . _ : @ + - (at most 200), not " + id));
      return null;
    }
    return id.asText();
  }

  private Task task(String workflowId, String taskId, JsonNode task, String path) {
    int before = problems.size();
    JsonNode shell = task.get("shell");
    String program = null;
    List<String> args = new ArrayList<>();
    String cwd = null;
    Map<String, String> env = new LinkedHashMap<>();
    String stdin = null;
    if (shell == null || !shell.isObject()) {
      problems.add(new Problem(path + ".shell", "required: an object with a program"));
    } else {
      program = text(shell, "program", path + ".shell", true);
      if (program != null && program.isEmpty()) {
        problems.add(new Problem(path + ".shell.program", "must not be empty"));
      }
      JsonNode argNodes = shell.get("args");
      if (argNodes != null && !argNodes.isArray()) {
        problems.add(new Problem(path + ".shell.args", "must be an array of strings"));
      } else if (argNodes != null) {
        for (int i = 0; i < argNodes.size(); i++) {
          JsonNode arg = argNodes.get(i);
          if (!arg.isTextual()) {
            problems.add(new Problem(path + ".shell.args[" + i + "]", "must be a string, not " + arg));
          } else if (noNul(arg.asText(), path + ".shell.args[" + i + "]")) {
            args.add(arg.asText());
          }
        }
      }
      cwd = text(shell, "cwd", path + ".shell", false);
      if (cwd != null && cwd.isEmpty()) {
        problems.add(new Problem(path + ".shell.cwd", "must not be empty"));
      }
      JsonNode envNode = shell.get("env");
      if (envNode != null && !envNode.isObject()) {
        problems.add(new Problem(path + ".shell.env", "must be an object of strings"));
      } else if (envNode != null) {
        envNode
            .properties()
            .forEach(
                e -> {
                  String keyPath = path + ".shell.env." + e.getKey();
                  if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    problems.add(new Problem(keyPath, "is not a valid environment variable name"));
                  } else if (!e.getValue().isTextual()) {
                    problems.add(new Problem(keyPath, "must be a string, not " + e.getValue()));
                  } else if (noNul(e.getValue().asText(), keyPath)) {
                    env.put(e.getKey(), e.getValue().asText());
                  }
                });
      }
      stdin = text(shell, "stdin", path + ".shell", false);
    }
    Long timeoutMs = null;
    JsonNode runtime = task.get("runtime");
    if (runtime != null && runtime.isObject() && runtime.has("timeout_ms")) {
      timeoutMs = positive(runtime.get("timeout_ms"), path + ".runtime.timeout_ms", Long.MAX_VALUE);
    }
    ApprovalRules approval = approval(task.get("approval"), path + ".approval");
    if (problems.size() > before || workflowId == null || taskId == null) {
      return null;
    }
    return new Task(workflowId, taskId, program, args, cwd, env, stdin, timeoutMs, approval);
  }

  private ApprovalRules approval(JsonNode block, String path) {
    if (block == null || block.isNull()) {
      return new ApprovalRules(Policy.NONE, List.of(), ApprovalRules.DEFAULT_TIMEOUT_S, null, false);
    }
    if (!block.isObject()) {
      problems.add(new Problem(path, "must be an object"));
      return null;
    }
    Policy policy = Policy.NONE;
    JsonNode policyNode = block.get("policy");
    JsonNode required = block.get("required");
    if (required != null && !required.isBoolean()) {
      problems.add(new Problem(path + ".required", "must be true or false, not " + required));
    }
    if (policyNode != null) {
      policy = policyNode.isTextual() ? Policy.parse(policyNode.asText()).orElse(null) : null;
      if (policy == null) {
        problems.add(
            new Problem(
                path + ".policy",
                "must be \"manual\", \"auto-approve\" or \"auto-reject\", not " + policyNode));
      }
    } else if (required != null && required.asBoolean(false)) {
      policy = Policy.MANUAL;
    }
    List<ApproverScope> scopes = new ArrayList<>();
    JsonNode scopeNode = block.get("approver_scope");
    if (scopeNode != null && !scopeNode.isNull()) {
      List<JsonNode> items = new ArrayList<>();
      if (scopeNode.isArray()) {
        scopeNode.forEach(items::add);
      } else {
        items.add(scopeNode);
      }
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        String itemPath = scopeNode.isArray() ? path + ".approver_scope[" + i + "]" : path + ".approver_scope";
        ApproverScope scope = item.isTextual() ? ApproverScope.parse(item.asText()).orElse(null) : null;
        if (scope == null) {
          problems.add(
              new Problem(
                  itemPath,
                  "must be a principal, principal:<p>, user:<p>, exact:<p> or domain:<domain>, not "
                      + item));
        } else {
          scopes.add(scope);
        }
      }
    }
    long timeoutS = ApprovalRules.DEFAULT_TIMEOUT_S;
    if (block.has("timeout_s")) {
      Long t = positive(block.get("timeout_s"), path + ".timeout_s", MAX_TIMEOUT_S);
      timeoutS = t == null ? timeoutS : t;
    }
    String risk = text(block, "risk_level", path, false);
    String signature = text(block, "signature", path, false);
    if (signature != null && !signature.equals("required") && !signature.equals("optional")) {
      problems.add(new Problem(path + ".signature", "must be \"required\" or \"optional\", not \"" + signature + "\""));
    }
    return policy == null
        ? null
        : new ApprovalRules(policy, scopes, timeoutS, risk, "optional".equals(signature));
  }

  private Long positive(JsonNode node, String path, long max) {
    if (node == null || !node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() <= 0) {
      problems.add(new Problem(path, "must be a positive whole number, not " + node));
      return null;
    }
    if (node.asLong() > max) {
      problems.add(new Problem(path, "must be at most " + max + ", not " + node));
      return null;
    }
    return node.asLong();
  }

  private String text(JsonNode owner, String field, String ownerPath, boolean required) {
    JsonNode node = owner.get(field);
    String path = ownerPath + "." + field;
    if (node == null || node.isNull()) {
      if (required) {
        problems.add(new Problem(path, "required"));
      }
      return null;
    }
    if (!node.isTextual()) {
      problems.add(new Problem(path, "must be a string, not " + node));
      return null;
    }
    return noNul(node.asText(), path) ? node.asText() : null;
  }

  private boolean noNul(String value, String path) {
    if (value.indexOf('\0') >= 0) {
      problems.add(new Problem(path, "must not contain a NUL character"));
      return false;
    }
    return true;
  }
}
