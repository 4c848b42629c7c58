package dev.agentcli.request;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a person deciding a request sees: exactly what will run, with the values the binding holds
 * only as hashes.
 */
public final class WhatRuns {
  /** How a value the manifest marks secret is shown: this prefix and its digest. */
  static final String SECRET = "secret:";

  private WhatRuns() {}

  /**
   * Where what a request shows differs from what it binds (someone edited one of them in the
   * database): the first such field, or empty when the values hash to the binding.
   */
  public static Optional<String> mismatch(Map<String, Object> shown, String bindingJson) {
    Map<String, Object> bound = Json.parseObject(bindingJson);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("program", shown.get("program"));
    expected.put("program_path", shown.get("program_path"));
    expected.put("program_sha256", shown.get("program_sha256"));
    expected.put("cwd", shown.get("cwd"));
    expected.put("files", shown.get("files"));
    expected.put("stdin", shown.get("stdin_sha256"));
    expected.put("timeout_ms", shown.get("timeout_ms"));
    expected.put(
        "args",
        shown.get("args") instanceof List<?> args
            ? args.stream().map(a -> Sha256.of(String.valueOf(a))).toList()
            : null);
    Map<String, Object> env = new TreeMap<>();
    List<?> secret = shown.get("secret_env") instanceof List<?> l ? l : List.of();
    if (shown.get("env") instanceof Map<?, ?> values) {
      values.forEach(
          (k, v) -> {
            String value = String.valueOf(v);
            env.put(
                String.valueOf(k),
                secret.contains(k) && value.startsWith(SECRET)
                    ? value.substring(SECRET.length())
                    : Sha256.of(value));
          });
    }
    expected.put("env", env);
    for (Map.Entry<String, Object> e : expected.entrySet()) {
      if (!Objects.equals(Json.compact(e.getValue()), Json.compact(bound.get(e.getKey())))) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  public static Map<String, Object> of(Task task, TaskBinding binding) {
    TaskBinding.Command c = binding.command();
    Map<String, Object> bound = Json.parseObject(binding.json());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("program", task.program());
    m.put("program_path", c.program().toString());
    m.put("program_sha256", bound.get("program_sha256"));
    m.put("args", c.args());
    m.put("cwd", c.cwd().toString());
    Map<String, String> env = new TreeMap<>(c.env());
    for (String secret : task.secretEnv()) {
      env.computeIfPresent(secret, (k, v) -> SECRET + Sha256.of(v));
    }
    m.put("env", env);
    m.put("secret_env", task.secretEnv());
    m.put("stdin_bytes", c.stdin() == null ? 0 : c.stdin().getBytes(StandardCharsets.UTF_8).length);
    m.put("stdin_sha256", c.stdin() == null ? null : Sha256.of(c.stdin()));
    m.put("files", bound.get("files"));
    m.put("timeout_ms", c.timeoutMs());
    m.put("risk_level", task.approval().riskLevel());
    return m;
  }
}
