package dev.agentcli.app;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Problem;
import dev.agentcli.manifest.TaskEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a manifest task's child inherits in single-user mode, the same whoever runs it,
 * so that a person approving in a terminal and an agent running from an MCP client (which passes
 * another {@code PATH}, no {@code LANG}) compute the same binding: the home's {@code task_env.json}
 * when there is one, else {@code PATH} sudo's secure_path, {@code HOME} the user's home from the
 * password database and {@code LANG C.UTF-8}. {@code task_env.json} is an object of variables, and
 * may list in {@code "inherit"} variables to take from the caller: an explicit choice of a binding
 * that depends on who runs it.
 */
final class TaskEnv {
  private TaskEnv() {}

  /** sudo's {@code secure_path}: where a manifest task finds its programs, whoever runs it. */
  static final String SECURE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The home's task environment: {@code file}'s, else the fixed default set. */
  static Map<String, String> of(Path file, Context ctx) {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      Map<String, String> fixed = new LinkedHashMap<>();
      fixed.put("PATH", SECURE_PATH);
      fixed.put("HOME", System.getProperty("user.home"));
      fixed.put("LANG", "C.UTF-8");
      return fixed;
    }
    Object node;
    try {
      node = Json.parse(Files.readAllBytes(file));
    } catch (IOException | RuntimeException e) {
      throw invalid(file, "it is not JSON (" + e.getMessage() + ")");
    }
    List<Problem> problems = new ArrayList<>();
    TaskEnvironment env = TaskEnvironment.read(node, "$", problems);
    if (!problems.isEmpty()) {
      throw invalid(file, problems.get(0).toString());
    }
    return env.over(Map.of(), ctx.env());
  }

  private static AgentCliException invalid(Path file, String why) {
    return new AgentCliException(
        ErrorCode.INPUT_INVALID,
        file + " is not a usable task environment: " + why,
        Map.of("task_env", file.toString()));
  }
}
