package dev.agentcli.manifest;

import dev.agentcli.codec.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between the binding a grant approved and the task as it is now, named by field
 * (program, argument N, cwd, env KEY, stdin, timeout, approval policy...). Values that are stored
 * only as hashes (arguments, environment, stdin) are never shown; paths and settings are.
 */
public final class BindingDiff {
  private BindingDiff() {}

  public static List<String> between(String approvedJson, String currentJson) {
    Map<String, Object> was = Json.parseObject(approvedJson);
    Map<String, Object> now = Json.parseObject(currentJson);
    List<String> changes = new ArrayList<>();
    shown(changes, "program", was, now);
    shown(changes, "program_path", was, now);
    if (Objects.equals(was.get("program_path"), now.get("program_path"))
        && !Objects.equals(was.get("program_sha256"), now.get("program_sha256"))) {
      changes.add("the content of program " + now.get("program_path") + " changed");
    }
    Map<?, ?> filesWas = map(was.get("files"));
    Map<?, ?> filesNow = map(now.get("files"));
    TreeSet<String> names = new TreeSet<>();
    filesWas.keySet().forEach(k -> names.add(String.valueOf(k)));
    filesNow.keySet().forEach(k -> names.add(String.valueOf(k)));
    for (String f : names) {
      if (!filesWas.containsKey(f)) {
        changes.add("file " + f + " is new to the binding");
      } else if (!filesNow.containsKey(f)) {
        changes.add("file " + f + " is no longer in the binding");
      } else if (!Objects.equals(filesWas.get(f), filesNow.get(f))) {
        changes.add(
            "file "
                + f
                + (filesNow.get(f) == null
                    ? " is gone"
                    : filesWas.get(f) == null ? " was created" : " changed"));
      }
    }
    List<?> a = list(was.get("args"));
    List<?> b = list(now.get("args"));
    if (a.size() != b.size()) {
      changes.add("argument count " + a.size() + " -> " + b.size());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!Objects.equals(a.get(i), b.get(i))) {
        changes.add("argument " + (i + 1) + " changed");
      }
    }
    shown(changes, "cwd", was, now);
    Map<?, ?> envWas = map(was.get("env"));
    Map<?, ?> envNow = map(now.get("env"));
    TreeSet<String> keys = new TreeSet<>();
    envWas.keySet().forEach(k -> keys.add(String.valueOf(k)));
    envNow.keySet().forEach(k -> keys.add(String.valueOf(k)));
    for (String k : keys) {
      if (!envWas.containsKey(k)) {
        changes.add("env " + k + " added");
      } else if (!envNow.containsKey(k)) {
        changes.add("env " + k + " removed");
      } else if (!Objects.equals(envWas.get(k), envNow.get(k))) {
        changes.add("env " + k + " changed");
      }
    }
    if (!Objects.equals(was.get("stdin"), now.get("stdin"))) {
      changes.add("stdin changed");
    }
    shown(changes, "timeout_ms", was, now);
    Map<?, ?> apWas = map(was.get("approval"));
    Map<?, ?> apNow = map(now.get("approval"));
    for (String k : ApprovalRules.FIELDS) {
      if (!Objects.equals(apWas.get(k), apNow.get(k))) {
        changes.add(
            "approval."
                + k
                + " "
                + Json.compact(apWas.get(k))
                + " -> "
                + Json.compact(apNow.get(k)));
      }
    }
    for (String k : List.of("workflow_id", "task_id", "binding_version")) {
      shown(changes, k, was, now);
    }
    return changes;
  }

  private static void shown(
      List<String> changes, String key, Map<String, Object> was, Map<String, Object> now) {
    if (!Objects.equals(was.get(key), now.get(key))) {
      changes.add(key + " " + Json.compact(was.get(key)) + " -> " + Json.compact(now.get(key)));
    }
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }
}
