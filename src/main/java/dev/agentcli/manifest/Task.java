package dev.agentcli.manifest;

import java.util.List;
import java.util.Map;

/**
 * One task of a manifest, as declared: the program with its arguments, working directory,
 * environment and stdin, the optional run timeout, and the approval rules.
 *
 * @param cwd as written, possibly relative to the manifest's folder; null for that folder itself
 * @param stdin text fed to the program, or null for an empty stdin
 * @param timeoutMs {@code runtime.timeout_ms}, or null for no limit
 */
public record Task(
    String workflowId,
    String id,
    String program,
    List<String> args,
    String cwd,
    Map<String, String> env,
    String stdin,
    Long timeoutMs,
    ApprovalRules approval) {

  public Task {
    args = List.copyOf(args);
    env = Map.copyOf(env);
  }

  /** {@code workflow/task}, the way people name a task in messages. */
  public String qualifiedId() {
    return workflowId + "/" + id;
  }
}
