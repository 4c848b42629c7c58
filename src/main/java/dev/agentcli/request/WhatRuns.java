package dev.agentcli.request;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a person deciding a request sees: exactly what will run, with the values the binding holds
 * only as hashes.
 */
public final class WhatRuns {
  private WhatRuns() {}

  public static Map<String, Object> of(Task task, TaskBinding binding) {
    TaskBinding.Command c = binding.command();
    Map<String, Object> bound = Json.parseObject(binding.json());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("program", task.program());
    m.put("program_path", c.program().toString());
    m.put("program_sha256", bound.get("program_sha256"));
    m.put("args", c.args());
    m.put("cwd", c.cwd().toString());
    m.put("env", new TreeMap<>(c.env()));
    m.put("stdin_bytes", c.stdin() == null ? 0 : c.stdin().getBytes(StandardCharsets.UTF_8).length);
    m.put("stdin_sha256", c.stdin() == null ? null : Sha256.of(c.stdin()));
    m.put("files", bound.get("files"));
    m.put("timeout_ms", c.timeoutMs());
    m.put("risk_level", task.approval().riskLevel());
    return m;
  }
}
