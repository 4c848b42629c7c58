package dev.agentcli.audit;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A point of the chain recorded outside the database: an event's id and hash, and when it was
 * recorded. A trail rewritten or truncated after an anchor was taken no longer contains it.
 */
public record Anchor(long id, String hash, Instant anchoredAt, String beforeApproval) {

  public Anchor(long id, String hash, Instant anchoredAt) {
    this(id, hash, anchoredAt, null);
  }

  /**
   * This anchor, taken as the head just before grant {@code approvalId}'s approval event was
   * written: where a claim of that grant starts to verify the trail.
   */
  public Anchor before(String approvalId) {
    return new Anchor(id, hash, anchoredAt, approvalId);
  }

  /** One line of an anchors file. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("hash", hash);
    m.put("anchored_at", Timestamps.format(anchoredAt));
    if (beforeApproval != null) {
      m.put("before_approval", beforeApproval);
    }
    return m;
  }

  /** Reads one line of an anchors file. */
  static Anchor parse(String line) {
    Map<String, Object> m = Json.parseObject(line);
    return new Anchor(
        ((Number) m.get("id")).longValue(),
        (String) m.get("hash"),
        Timestamps.parse((String) m.get("anchored_at")),
        (String) m.get("before_approval"));
  }
}
