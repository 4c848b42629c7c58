package dev.agentcli.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A fixed environment for manifest tasks, the same whoever runs them: variables set to values, and
 * the names in {@code "inherit"} taken from the caller (an explicit choice of a binding that
 * depends on who runs it). Read from a manifest's top-level {@code task_env} and from the home's
 * {@code task_env.json}, which have one shape: {@code {"PATH": "/opt/node/bin:/usr/bin:/bin",
 * "inherit": ["NODE_ENV"]}}.
 */
public record TaskEnvironment(Map<String, String> values, List<String> inherit) {
  /** No variable set, none inherited. */
  public static final TaskEnvironment NONE = new TaskEnvironment(Map.of(), List.of());

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public TaskEnvironment {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    inherit = List.copyOf(inherit);
  }

  /**
   * {@code node} read as a task environment at {@code path}; what is wrong goes to {@code
   * problems}.
   */
  public static TaskEnvironment read(Object node, String path, List<Problem> problems) {
    if (!(node instanceof Map<?, ?> m)) {
      problems.add(new Problem(path, "must be an object of variables"));
      return NONE;
    }
    Map<String, String> values = new LinkedHashMap<>();
    List<String> inherit = new ArrayList<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.equals("inherit")) {
        if (!(e.getValue() instanceof List<?> names)
            || !names.stream().allMatch(n -> n instanceof String s && NAME.matcher(s).matches())) {
          problems.add(new Problem(path + ".inherit", "must be an array of variable names"));
        } else {
          names.forEach(n -> inherit.add((String) n));
        }
      } else if (!NAME.matcher(key).matches()) {
        problems.add(new Problem(path + "." + key, "is not a valid environment variable name"));
      } else if (!(e.getValue() instanceof String value)) {
        problems.add(new Problem(path + "." + key, "must be a string"));
      } else {
        values.put(key, value);
      }
    }
    return new TaskEnvironment(values, inherit);
  }

  /**
   * This environment over {@code base}: {@code base}'s variables, then those inherited from {@code
   * caller} (when the caller has them), then the values set here.
   */
  public Map<String, String> over(Map<String, String> base, Map<String, String> caller) {
    Map<String, String> env = new LinkedHashMap<>(base);
    for (String name : inherit) {
      String value = caller.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(values);
    return env;
  }
}
