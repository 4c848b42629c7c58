package dev.agentcli.approval;

import dev.agentcli.codec.Json;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The bytes an approver signs: the canonical JSON of a grant's terms ({@link GrantFields#terms}:
 * every field but its signature, use and revocation, including whether it is unsigned by choice)
 * and the namespace. Any edit of one of these fields after signing makes the signature fail.
 */
public final class GrantPayload {
  /** The SSHSIG namespace of grant signatures. */
  public static final String NAMESPACE = "agentcli";

  private GrantPayload() {}

  /**
   * The terms of record version 1, always signed. A term added since is signed when it is set, so
   * that every grant signed before it existed still verifies, and setting or clearing it on a
   * signed grant still breaks the signature.
   */
  private static final Set<String> FIRST_TERMS =
      Set.of(
          "approval_id",
          "record_version",
          "workflow_id",
          "task_id",
          "task_hash",
          "task_binding",
          "risk_level",
          "approver_scope",
          "approver",
          "reason",
          "granted_at",
          "expires_at",
          "unsigned_explicit");

  public static String of(Grant g) {
    Map<String, Object> m = new TreeMap<>();
    GrantFields.terms(g)
        .forEach(
            (name, value) -> {
              if (value != null || FIRST_TERMS.contains(name)) {
                m.put(name, value);
              }
            });
    m.put("namespace", NAMESPACE);
    return Json.canonical(m);
  }
}
