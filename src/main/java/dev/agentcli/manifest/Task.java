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
 * @param bindFiles {@code shell.bind_files}: files (or globs) whose content the grant covers
 * @param secretEnv {@code shell.secret_env}: variables whose values people deciding a request see
 *     only as digests (they are bound like any other; only the display differs)
 * @param origin the manifest file the task was read from, for the audit trail
 * @param description what the task is for, as the manifest says ({@code description}, else {@code
 *     name}); null when it says nothing. Shown to people and agents, never bound: it does not
 *     change what runs
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
    List<String> bindFiles,
    List<String> secretEnv,
    ApprovalRules approval,
    Origin origin,
    String description) {

  public Task {
    args = List.copyOf(args);
    env = Map.copyOf(env);
    bindFiles = List.copyOf(bindFiles);
    secretEnv = List.copyOf(secretEnv);
  }

  /** Where a task was declared: the manifest as named, and the digest of its bytes. */
  public record Origin(String manifest, String sha256) {}

  /** {@code workflow/task}, the way people name a task in messages. */
  public String qualifiedId() {
    return workflowId + "/" + id;
  }
}
