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
public record Anchor(long id, String hash, Instant anchoredAt) {

  /** One line of an anchors file. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("hash", hash);
    m.put("anchored_at", Timestamps.format(anchoredAt));
    return m;
  }

  /** Reads one line of an anchors file. */
  static Anchor parse(String line) {
    Map<String, Object> m = Json.parseObject(line);
    return new Anchor(
        ((Number) m.get("id")).longValue(),
        (String) m.get("hash"),
        Timestamps.parse((String) m.get("anchored_at")));
  }
}
