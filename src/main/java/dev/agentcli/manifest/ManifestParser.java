package dev.agentcli.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns manifest bytes into a {@link Manifest}, collecting every problem with its JSON path rather
 * than stopping at the first. It fails closed: an unknown key in a task, its {@code shell} or its
 * {@code approval} block is an error (a misspelled {@code "aproval"} must not leave a task
 * ungated); the Node tool's other task blocks are accepted by name and ignored.
 */
public final class ManifestParser {
  private static final Set<String> VERSIONS = Set.of("0.1", "0.2");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final long MAX_TIMEOUT_S = 30L * 24 * 3600;

  /** Linux refuses a single argument or environment string longer than this (MAX_ARG_STRLEN). */
  private static final int MAX_ARG_BYTES = 128 * 1024;

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

  private static final Set<String> APPROVAL_KEYS = approvalKeys();

  private static Set<String> approvalKeys() {
    Set<String> keys = new HashSet<>(ApprovalRules.FIELDS);
    keys.add("required");
    keys.add("request_timeout_s");
    return Set.copyOf(keys);
  }

  private final List<Problem> problems = new ArrayList<>();
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
    return new Manifest(source, baseDir, parsed.version, parsed.tasks);
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
    ApprovalRules rules = parser.approval(node == null ? Map.of() : node, path);
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

  private record Parsed(String version, List<Task> tasks) {}

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
    return new Parsed(version, tasks);
  }

  /** A value as it would appear in JSON, for messages. */
  private static String show(Object value) {
    return value instanceof String s ? Json.compact(s) : Json.compact(value);
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
    ApprovalRules approval = approval(task.get("approval"), path + ".approval");
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

  private ApprovalRules approval(Object node, String path) {
    if (node == null) {
      return new ApprovalRules(
          Policy.NONE,
          List.of(),
          ApprovalRules.DEFAULT_TIMEOUT_S,
          null,
          false,
          ApprovalRules.DEFAULT_REQUEST_TIMEOUT_S,
          1,
          1);
    }
    if (!(node instanceof Map<?, ?> block)) {
      problems.add(new Problem(path, "must be an object"));
      return null;
    }
    known(block, APPROVAL_KEYS, path);
    // Fail closed: an approval block is a gate unless it says otherwise in so many words.
    Policy policy = Policy.MANUAL;
    Object policyNode = block.get("policy");
    Object required = block.get("required");
    if (required != null && !(required instanceof Boolean)) {
      problems.add(new Problem(path + ".required", "must be true or false, not " + show(required)));
    }
    if (policyNode != null) {
      policy = policyNode instanceof String text ? Policy.parse(text).orElse(null) : null;
      if (policy == null) {
        problems.add(
            new Problem(
                path + ".policy",
                "must be \"manual\", \"auto-approve\" or \"auto-reject\", not "
                    + show(policyNode)));
      } else if (Boolean.FALSE.equals(required) && policy == Policy.MANUAL) {
        problems.add(
            new Problem(path + ".required", "is false, but the policy is \"manual\": say one"));
      }
    } else if (Boolean.FALSE.equals(required)) {
      policy = Policy.NONE;
    }
    List<ApproverScope> scopes = new ArrayList<>();
    Object scopeNode = block.get("approver_scope");
    if (scopeNode != null) {
      List<?> items = scopeNode instanceof List<?> list ? list : List.of(scopeNode);
      for (int i = 0; i < items.size(); i++) {
        Object item = items.get(i);
        String itemPath =
            scopeNode instanceof List<?>
                ? path + ".approver_scope[" + i + "]"
                : path + ".approver_scope";
        ApproverScope scope =
            item instanceof String text ? ApproverScope.parse(text).orElse(null) : null;
        if (scope == null) {
          problems.add(
              new Problem(
                  itemPath,
                  "must be a principal, principal:<p>, user:<p>, exact:<p> or domain:<domain>, not "
                      + show(item)));
        } else {
          scopes.add(scope);
        }
      }
    }
    long timeoutS = ApprovalRules.DEFAULT_TIMEOUT_S;
    if (block.containsKey("timeout_s")) {
      Long t = positive(block.get("timeout_s"), path + ".timeout_s", MAX_TIMEOUT_S);
      timeoutS = t == null ? timeoutS : t;
    }
    long requestTimeoutS = ApprovalRules.DEFAULT_REQUEST_TIMEOUT_S;
    if (block.containsKey("request_timeout_s")) {
      Long t = positive(block.get("request_timeout_s"), path + ".request_timeout_s", MAX_TIMEOUT_S);
      requestTimeoutS = t == null ? requestTimeoutS : t;
    }
    int quorum = 1;
    if (block.containsKey("quorum")) {
      Long q = positive(block.get("quorum"), path + ".quorum", ApprovalRules.MAX_QUORUM);
      quorum = q == null ? quorum : q.intValue();
    }
    int maxUses = 1;
    if (block.containsKey("max_uses")) {
      Long u = positive(block.get("max_uses"), path + ".max_uses", ApprovalRules.MAX_USES);
      maxUses = u == null ? maxUses : u.intValue();
    }
    String risk = text(block, "risk_level", path, false);
    String signature = text(block, "signature", path, false);
    if (signature != null && !signature.equals("required") && !signature.equals("optional")) {
      problems.add(
          new Problem(
              path + ".signature", "must be \"required\" or \"optional\", not " + show(signature)));
    }
    return policy == null
        ? null
        : new ApprovalRules(
            policy,
            scopes,
            timeoutS,
            risk,
            "optional".equals(signature),
            requestTimeoutS,
            quorum,
            maxUses);
  }

  /** Every key of {@code owner} must be one of {@code allowed}; a near miss gets a hint. */
  private void known(Map<?, ?> owner, Set<String> allowed, String path) {
    for (Object k : owner.keySet()) {
      String key = String.valueOf(k);
      if (!allowed.contains(key)) {
        String hint =
            allowed.stream()
                .filter(a -> Spelling.distance(a, key) <= Math.max(2, a.length() / 3))
                .min(Comparator.comparingInt(a -> Spelling.distance(a, key)))
                .map(a -> ": did you mean \"" + a + "\"?")
                .orElse(": it is not a key agentcli knows here (known: " + sorted(allowed) + ")");
        problems.add(new Problem(path + "." + key, "unknown key" + hint));
      }
    }
  }

  private static String sorted(Set<String> keys) {
    return String.join(", ", new TreeSet<>(keys));
  }

  private Long positive(Object node, String path, long max) {
    boolean whole = node instanceof Integer || node instanceof Long || node instanceof BigInteger;
    int sign =
        !whole
            ? 0
            : node instanceof BigInteger big
                ? big.signum()
                : Long.signum(((Number) node).longValue());
    if (sign <= 0) {
      problems.add(new Problem(path, "must be a positive whole number, not " + show(node)));
      return null;
    }
    if (node instanceof BigInteger || ((Number) node).longValue() > max) {
      problems.add(new Problem(path, "must be at most " + max + ", not " + show(node)));
      return null;
    }
    return ((Number) node).longValue();
  }

  private String text(Map<?, ?> owner, String field, String ownerPath, boolean required) {
    Object node = owner.get(field);
    String path = ownerPath + "." + field;
    if (node == null) {
      if (required) {
        problems.add(new Problem(path, "required"));
      }
      return null;
    }
    if (!(node instanceof String text)) {
      problems.add(new Problem(path, "must be a string, not " + show(node)));
      return null;
    }
    return noNul(text, path) ? text : null;
  }

  private boolean fitsExec(String value, String path) {
    if (value.length() * 3L > MAX_ARG_BYTES
        && value.getBytes(StandardCharsets.UTF_8).length >= MAX_ARG_BYTES) {
      problems.add(new Problem(path, "is longer than the OS accepts for one argument (128 KiB)"));
      return false;
    }
    return true;
  }

  private boolean noNul(String value, String path) {
    if (value.indexOf('\0') >= 0) {
      problems.add(new Problem(path, "must not contain a NUL character"));
      return false;
    }
    return true;
  }
}
