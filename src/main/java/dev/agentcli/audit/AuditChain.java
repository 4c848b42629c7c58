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

  /** The event type of the chain's genesis, written by the migration that made it mandatory. */
  public static final String GENESIS_EVENT = EventType.AUDIT_GENESIS.id();

  /**
   * The outcome of checking the chain.
   *
   * @param anchors the anchors checked (each an event id and its hash), all found in the chain
   * @param afterAnchor how many events follow the newest anchor (or the expected head)
   */
  public record Check(
      boolean intact,
      long events,
      long unchained,
      String head,
      Long brokenAt,
      String reason,
      int anchors,
      Long afterAnchor) {}

  /**
   * Walks events in id order and stops at the first broken link. Events without hashes are allowed
   * only at the very start, before the genesis event, and exactly as many as the genesis records; a
   * trail without a genesis is broken. Anchors (an event id and its hash, recorded outside the
   * database earlier) must each be found in the chain: a rewritten or truncated trail misses them.
   */
  public static final class Verifier {
    private final Map<Long, String> anchors;
    private final String expectedHead;
    private final boolean resume;
    private Long expectedHeadId;
    private String expectedPrev = GENESIS;
    private long events;
    private long unchained;
    private long chained;
    private boolean genesisSeen;
    private Long brokenAt;
    private String reason;
    private long lastId;
    private int anchorsFound;
    private long newestAnchorId = -1;

    /** Checks a whole trail from its first event. */
    public Verifier() {
      this(Map.of(), null, false);
    }

    /**
     * @param anchors event id to the hash it had when anchored
     * @param expectedHead a head recorded earlier ({@code audit head}): it must be the hash of an
     *     event of the intact chain; null for none
     * @param resume the first event is taken on its own hash (the events before it are not read):
     *     for checking the newest part of a trail; the genesis rules then do not apply
     */
    public Verifier(Map<Long, String> anchors, String expectedHead, boolean resume) {
      this.anchors = Map.copyOf(anchors);
      this.expectedHead = expectedHead;
      this.resume = resume;
    }

    /** Takes the next event; returns false once the chain is broken (later events are moot). */
    public boolean accept(AuditEvent e) {
      if (brokenAt != null) {
        return false;
      }
      events++;
      if (resume && events == 1) {
        if (e.eventHash() == null || !hash(e).equals(e.eventHash())) {
          return broken(e, "its content does not match its hash: the event was changed");
        }
        expectedPrev = e.eventHash();
        lastId = e.id();
        return anchored(e);
      }
      if (e.eventHash() == null && e.prevHash() == null) {
        if (resume || genesisSeen || chained > 0) {
          return broken(
              e, "it has no hashes, but the chain had already begun: its hashes were removed");
        }
        if (e.id() != lastId + 1) {
          return broken(e, "the event before it is missing (ids jump from " + lastId + ")");
        }
        unchained++; // written before the chain existed (schema 1)
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
      if (GENESIS_EVENT.equals(e.eventType()) && !resume) {
        if (genesisSeen) {
          return broken(e, "a second genesis event");
        }
        Object recorded = e.details().get("unchained_before");
        if (!(recorded instanceof Number n) || n.longValue() != unchained) {
          return broken(
              e,
              "the genesis records "
                  + recorded
                  + " events without hashes before it, the trail has "
                  + unchained
                  + ": events at the start were added or deleted");
        }
        genesisSeen = true;
      }
      chained++;
      expectedPrev = e.eventHash();
      lastId = e.id();
      return anchored(e);
    }

    private boolean anchored(AuditEvent e) {
      if (e.eventHash().equals(expectedHead)) {
        expectedHeadId = e.id();
      }
      String anchoredHash = anchors.get(e.id());
      if (anchoredHash == null) {
        return true;
      }
      if (!anchoredHash.equals(e.eventHash())) {
        return broken(
            e,
            "it is not the event that was anchored (anchored hash "
                + anchoredHash
                + "): the trail was rewritten at or before it");
      }
      anchorsFound++;
      newestAnchorId = Math.max(newestAnchorId, e.id());
      return true;
    }

    private boolean broken(AuditEvent e, String why) {
      brokenAt = e.id();
      reason = "event " + e.id() + ": " + why;
      return false;
    }

    /** The result of the events taken so far. */
    public Check result() {
      String head = chained == 0 && !resume ? null : expectedPrev;
      if (brokenAt == null && !resume && events > 0 && !genesisSeen) {
        brokenAt = lastId;
        reason =
            "the trail has no genesis event: its start was deleted or its hashes were rewritten";
      }
      if (brokenAt == null && anchorsFound < anchors.size()) {
        long missing =
            anchors.keySet().stream().filter(id -> id > lastId).min(Long::compare).orElse(-1L);
        brokenAt = lastId;
        reason =
            missing > 0
                ? "event "
                    + missing
                    + " was anchored but the trail now ends at "
                    + lastId
                    + ": the newest events were deleted"
                : "an anchored event is missing from the chain";
      }
      if (brokenAt == null && expectedHead != null && expectedHeadId == null) {
        brokenAt = lastId;
        reason =
            "the expected head "
                + expectedHead
                + " is not an event of this chain: the events up to it were deleted, or the"
                + " chain was rewritten";
      }
      long newest = Math.max(newestAnchorId, expectedHeadId == null ? -1 : expectedHeadId);
      Long after = newest < 0 ? null : lastId - newest;
      return new Check(
          brokenAt == null, events, unchained, head, brokenAt, reason, anchorsFound, after);
    }
  }
}
