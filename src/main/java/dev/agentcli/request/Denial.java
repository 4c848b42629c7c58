package dev.agentcli.request;

import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.approval.RequestId;
import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.manifest.TaskHash;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A person's signed "no" to a request.
 *
 * @param signature the decider's SSHSIG over {@link #payload}; null only in a row written by other
 *     means, which does not count
 */
public record Denial(
    RequestId requestId,
    String decider,
    String reason,
    Instant decidedAt,
    TaskHash taskHash,
    Grant.Signature signature) {

  /** The bytes a decider signs: every field, the request's binding hash and the namespace. */
  public String payload() {
    Map<String, Object> m = new TreeMap<>();
    m.put("namespace", GrantPayload.NAMESPACE);
    m.put("decision", "deny");
    m.put("request_id", requestId.value());
    m.put("task_hash", taskHash.value());
    m.put("decider", decider);
    m.put("reason", reason);
    m.put("decided_at", Timestamps.format(decidedAt));
    return Json.canonical(m);
  }

  public Denial withSignature(Grant.Signature s) {
    return new Denial(requestId, decider, reason, decidedAt, taskHash, s);
  }
}
