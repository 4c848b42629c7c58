package dev.agentcli.approval;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes an approver signs: the canonical JSON of every security-relevant field of a grant,
 * including whether it is unsigned by choice. Any edit of one of these fields after signing makes
 * the signature fail.
 */
public final class GrantPayload {
  /** The SSHSIG namespace of grant signatures. */
  public static final String NAMESPACE = "agentcli";

  private GrantPayload() {}

  public static String of(Grant g) {
    Map<String, Object> m = new TreeMap<>();
    m.put("namespace", NAMESPACE);
    m.put("record_version", g.recordVersion());
    m.put("approval_id", g.approvalId().value());
    m.put("workflow_id", g.workflowId());
    m.put("task_id", g.taskId());
    m.put("task_hash", g.taskHash());
    m.put("task_binding", g.taskBinding());
    m.put("risk_level", g.riskLevel());
    m.put("approver_scope", g.approverScope());
    m.put("approver", g.approver());
    m.put("reason", g.reason());
    m.put("granted_at", Timestamps.format(g.grantedAt()));
    m.put("expires_at", Timestamps.format(g.expiresAt()));
    m.put("unsigned_explicit", g.unsignedExplicit());
    return Json.canonical(m);
  }
}
