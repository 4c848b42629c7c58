package dev.agentcli.app;

import static dev.agentcli.codec.Timestamps.format;

import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantFields;
import dev.agentcli.approval.Verdict;
import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.codec.Json;
import dev.agentcli.exec.RunResult;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.request.Request;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.WhatRuns;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The JSON shapes of results, with the Node tool's field names. */
public final class Views {
  private Views() {}

  /** Fields of a grant not shown as they are stored (the binding is shown parsed, on request). */
  private static final Set<String> NOT_SHOWN = Set.of("record_version", "task_binding");

  /**
   * A grant's fields as {@link GrantFields} names them, with its status after its id and its
   * signature's columns as one object.
   */
  public static Map<String, Object> grant(Grant g, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approval_id", g.approvalId().value());
    m.put("status", g.status(now).id());
    GrantFields.all(g)
        .forEach(
            (name, value) -> {
              if (name.startsWith("signature") || name.equals("signed_payload")) {
                m.putIfAbsent("signature", g.signature() == null ? null : signature(g.signature()));
              } else if (!NOT_SHOWN.contains(name)) {
                m.putIfAbsent(name, value);
              }
            });
    m.put("uses_left", g.usesLeft());
    return m;
  }

  /** A grant as a person reads it in text: who, until when, how many uses, which key. */
  public static Map<String, Object> grantBrief(Grant g, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approval_id", g.approvalId().value());
    m.put("status", g.status(now).id());
    m.put("task", g.workflowId() + "/" + g.taskId());
    m.put("approver", g.approver());
    m.put("reason", g.reason());
    m.put("expires_at", format(g.expiresAt()));
    m.put("uses_left", g.usesLeft());
    m.put(
        "signature",
        g.signature() == null
            ? "unsigned"
            : g.signature().method() + " " + g.signature().keyFingerprint());
    if (g.requestId() != null) {
      m.put("request_id", g.requestId().value());
    }
    return m;
  }

  /**
   * A grant's whole record: the summary, the signature with its signed payload and armored
   * signature, and the binding it approved, parsed.
   */
  public static Map<String, Object> grantWithBinding(Grant g, Instant now) {
    Map<String, Object> m = grant(g, now);
    if (g.signature() != null) {
      Map<String, Object> full = signature(g.signature());
      full.put("signed_payload", g.signature().signedPayload());
      full.put("signature", g.signature().signature());
      m.put("signature", full);
    }
    m.put("task_binding", Json.parseObject(g.taskBinding()));
    return m;
  }

  /** The outcome of checking a grant's signature. */
  public static Map<String, Object> verdict(Grant g, Verdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("valid", v.valid());
    m.put("reason", v.reason());
    m.put("signer_principal", g.signature() == null ? null : g.approver());
    m.put("key_fingerprint", v.keyFingerprint());
    return m;
  }

  /** A signature as people check it: how, with which key, where (the bytes: approvals show). */
  private static Map<String, Object> signature(Grant.Signature s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", s.method());
    m.put("key_fingerprint", s.keyFingerprint());
    m.put("namespace", s.namespace());
    return m;
  }

  /** What would run, with the raw arguments: shown to the approver, never stored. */
  public static Map<String, Object> command(Task task, TaskBinding binding) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workflow_id", task.workflowId());
    m.put("task_id", task.id());
    m.put("program", task.program());
    m.put("program_path", binding.command().program().toString());
    m.put("args", binding.command().args());
    m.put("cwd", binding.command().cwd().toString());
    m.put("env_keys", binding.command().env().keySet().stream().sorted().toList());
    m.put("timeout_ms", binding.command().timeoutMs());
    m.put("policy", task.approval().policy().id());
    m.put("task_hash", binding.taskHash().value());
    return m;
  }

  /** A request as it stands: what will run, who asked and why, and what was decided. */
  public static Map<String, Object> request(RequestService.State s) {
    Request r = s.request();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("request_id", r.requestId().value());
    m.put("status", s.status().id());
    m.put("workflow_id", r.subject().workflowId());
    m.put("task_id", r.subject().taskId());
    m.put("task_hash", r.subject().taskHash().value());
    m.put("manifest", r.subject().manifest());
    m.put("reason", r.reason());
    Map<String, Object> who = new LinkedHashMap<>();
    who.put("principal", r.requester().principal());
    who.put("os_user", r.requester().osUser());
    who.put("host", r.requester().host());
    who.put("pid", r.requester().pid());
    m.put("requester", who);
    m.put("requested_at", format(r.requestedAt()));
    m.put("expires_at", format(r.expiresAt()));
    m.put("command", r.command());
    m.put("edited", WhatRuns.mismatch(r.command(), r.subject().bindingJson()).orElse(null));
    m.put("approval_id", s.grant().map(g -> g.approvalId().value()).orElse(null));
    m.put("approved_by", s.approvers());
    m.put("quorum", s.quorum());
    m.put(
        "denials",
        s.denials().stream()
            .map(
                d -> {
                  Map<String, Object> x = new LinkedHashMap<>();
                  x.put("decider", d.decider());
                  x.put("reason", d.reason());
                  x.put("decided_at", format(d.decidedAt()));
                  x.put("key_fingerprint", d.signature().keyFingerprint());
                  return x;
                })
            .toList());
    m.put("ignored_decisions", s.ignored());
    return m;
  }

  public static Map<String, Object> result(RunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("exit_code", r.exitCode());
    m.put("timed_out", r.timedOut());
    m.put("interrupted", r.interrupted());
    m.put("signal", r.signal());
    m.put("duration_ms", r.durationMs());
    m.put("stdout", r.stdout().text());
    m.put("stderr", r.stderr().text());
    m.put("stdout_truncated", r.stdout().truncated());
    m.put("stderr_truncated", r.stderr().truncated());
    m.put("stdout_bytes", r.stdout().bytes());
    m.put("stderr_bytes", r.stderr().bytes());
    m.put("stdout_sha256", r.stdout().sha256());
    m.put("stderr_sha256", r.stderr().sha256());
    return m;
  }

  public static Map<String, Object> event(AuditEvent e) {
    Map<String, Object> m = AuditChain.content(e);
    m.put("event_hash", e.eventHash());
    return m;
  }
}
