package dev.agentcli.approval;

import dev.agentcli.codec.Timestamps;
import dev.agentcli.manifest.TaskHash;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The one mapping between a {@link Grant} and its named fields: the terms an approver signs, the
 * columns of the {@code grants} table, and the fields a grant shows as JSON all come from here. A
 * new field is a component of {@link Grant}, a line in {@link #terms} and {@link #of}, and a
 * migration.
 */
public final class GrantFields {
  private GrantFields() {}

  /**
   * What an approver decides, in stored form (times as text), in the order shown: every field of a
   * grant but its signature, use and revocation.
   */
  public static Map<String, Object> terms(Grant g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approval_id", g.approvalId().value());
    m.put("record_version", g.recordVersion());
    m.put("workflow_id", g.workflowId());
    m.put("task_id", g.taskId());
    m.put("task_hash", g.taskHash().value());
    m.put("task_binding", g.taskBinding());
    m.put("risk_level", g.riskLevel());
    m.put("approver_scope", g.approverScope());
    m.put("approver", g.approver());
    m.put("reason", g.reason());
    m.put("granted_at", Timestamps.format(g.grantedAt()));
    m.put("expires_at", Timestamps.format(g.expiresAt()));
    m.put("unsigned_explicit", g.unsignedExplicit());
    m.put("request_id", g.requestId() == null ? null : g.requestId().value());
    m.put("max_uses", g.maxUses());
    return m;
  }

  /**
   * Every field of a grant by name, as {@link #of} reads them: its terms, its signature's columns,
   * {@code consumed_at} and {@code execution_id} (of its last use), {@code revoked_at}, {@code
   * revoked_by} and {@code revoke_reason}, and {@code uses_taken}.
   */
  public static Map<String, Object> all(Grant g) {
    Map<String, Object> m = terms(g);
    Grant.Signature s = g.signature();
    m.put("signature_method", s == null ? null : s.method());
    m.put("signature_key_fingerprint", s == null ? null : s.keyFingerprint());
    m.put("signature_namespace", s == null ? null : s.namespace());
    m.put("signed_payload", s == null ? null : s.signedPayload());
    m.put("signature", s == null ? null : s.signature());
    Grant.Consumption c = g.consumption();
    m.put("consumed_at", c == null ? null : Timestamps.format(c.consumedAt()));
    m.put("execution_id", c == null ? null : c.executionId());
    Grant.Revocation r = g.revocation();
    m.put("revoked_at", r == null ? null : Timestamps.format(r.revokedAt()));
    m.put("revoked_by", r == null ? null : r.revokedBy());
    m.put("revoke_reason", r == null ? null : r.reason());
    m.put("uses_taken", g.usesTaken());
    return m;
  }

  /** The grant whose fields {@code field} gives by name, as {@link #all} names them. */
  public static Grant of(Function<String, Object> field) {
    Fields f = new Fields(field);
    Instant consumedAt = f.time("consumed_at");
    Instant revokedAt = f.time("revoked_at");
    return new Grant(
        new ApprovalId(f.text("approval_id")),
        f.number("record_version"),
        f.text("workflow_id"),
        f.text("task_id"),
        new TaskHash(f.text("task_hash")),
        f.text("task_binding"),
        f.text("risk_level"),
        f.text("approver_scope"),
        f.text("approver"),
        f.text("reason"),
        f.time("granted_at"),
        f.time("expires_at"),
        f.flag("unsigned_explicit"),
        f.text("request_id") == null ? null : new RequestId(f.text("request_id")),
        f.field.apply("max_uses") == null ? null : f.number("max_uses"),
        f.text("signature_method") == null
            ? null
            : new Grant.Signature(
                f.text("signature_method"),
                f.text("signature_key_fingerprint"),
                f.text("signature_namespace"),
                f.text("signed_payload"),
                f.text("signature")),
        consumedAt == null ? null : new Grant.Consumption(f.text("execution_id"), consumedAt),
        revokedAt == null
            ? null
            : new Grant.Revocation(f.text("revoked_by"), f.text("revoke_reason"), revokedAt),
        f.field.apply("uses_taken") == null ? 0 : f.number("uses_taken"));
  }

  /** Typed reads of named values, as a store or a test holds them. */
  private record Fields(Function<String, Object> field) {
    /** A text field; bytes are read as UTF-8 text, as JDBC's getString reads a BLOB. */
    String text(String name) {
      Object v = field.apply(name);
      return v instanceof byte[] b
          ? new String(b, StandardCharsets.UTF_8)
          : v == null ? null : v.toString();
    }

    Instant time(String name) {
      return Timestamps.parse(text(name));
    }

    int number(String name) {
      return ((Number) field.apply(name)).intValue();
    }

    boolean flag(String name) {
      Object v = field.apply(name);
      return v instanceof Boolean b ? b : ((Number) v).intValue() == 1;
    }
  }
}
