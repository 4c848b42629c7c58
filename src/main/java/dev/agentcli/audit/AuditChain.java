package dev.agentcli.audit;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.codec.Timestamps;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The audit trail's hash chain: each event's hash covers its id, its content and the hash of the
 * event before it, so that editing, deleting or reordering events breaks the chain at that point.
 * The latest hash (the head) can be kept elsewhere to detect a truncated tail.
 */
public final class AuditChain {
  /** The {@code prev_hash} of the first chained event. */
  public static final String GENESIS = "sha256:" + "0".repeat(64);

  private AuditChain() {}

  /** The hash of {@code e}: over its {@link #content}. */
  public static String hash(AuditEvent e) {
    return Sha256.of(Json.canonical(content(e)));
  }

  /** Everything an event's hash covers: its id, every field, and {@code prev_hash}. */
  public static Map<String, Object> content(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("occurred_at", Timestamps.format(e.occurredAt()));
    m.put("event_type", e.eventType());
    m.put("outcome", e.outcome());
    m.put("code", e.code());
    m.put("workflow_id", e.workflowId());
    m.put("task_id", e.taskId());
    m.put("task_hash", e.taskHash());
    m.put("approval_id", e.approvalId());
    m.put("execution_id", e.executionId());
    m.put("actor", e.actor());
    m.put("details", e.details());
    m.put("prev_hash", e.prevHash());
    return m;
  }

  /** The outcome of checking the chain from its start. */
  public record Check(
      boolean intact, long events, long unchained, String head, Long brokenAt, String reason) {}

  /** Walks events in id order and stops at the first broken link. */
  public static final class Verifier {
    private String expectedPrev = GENESIS;
    private long events;
    private long unchained;
    private Long brokenAt;
    private String reason;
    private long lastId;

    /** Takes the next event; returns false once the chain is broken (later events are moot). */
    public boolean accept(AuditEvent e) {
      if (brokenAt != null) {
        return false;
      }
      events++;
      if (e.eventHash() == null && e.prevHash() == null && expectedPrev.equals(GENESIS)) {
        unchained++; // written before the chain existed
        lastId = e.id();
        return true;
      }
      if (!Objects.equals(e.prevHash(), expectedPrev)) {
        return broken(
            e,
            e.id() == lastId + 1
                ? "its prev_hash does not match the event before it: an earlier event was changed, deleted or moved"
                : "the event before it is missing (ids jump from "
                    + lastId
                    + " to "
                    + e.id()
                    + ")");
      }
      if (!hash(e).equals(e.eventHash())) {
        return broken(e, "its content does not match its hash: the event was changed");
      }
      expectedPrev = e.eventHash();
      lastId = e.id();
      return true;
    }

    private boolean broken(AuditEvent e, String why) {
      brokenAt = e.id();
      reason = "event " + e.id() + ": " + why;
      return false;
    }

    /**
     * The result; with {@code expectedHead}, a chain that ends anywhere else (a deleted tail) is
     * broken too.
     */
    public Check result(String expectedHead) {
      String head = expectedPrev.equals(GENESIS) ? null : expectedPrev;
      if (brokenAt == null && expectedHead != null && !expectedHead.equals(head)) {
        return new Check(
            false,
            events,
            unchained,
            head,
            lastId,
            "the chain does not end at the expected head "
                + expectedHead
                + ": events at its end were deleted or added");
      }
      return new Check(brokenAt == null, events, unchained, head, brokenAt, reason);
    }
  }
}
