package dev.agentcli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hash chain, pure: events chained in memory, then checked as the verifier reads them. */
class AuditChainTest {
  /** A genesis and {@code n} more events, each chained to the one before. */
  static List<AuditEvent> chain(int n) {
    List<AuditEvent> events = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    for (int i = 0; i <= n; i++) {
      AuditEvent e =
          AuditEvent.builder(
                  i == 0 ? EventType.AUDIT_GENESIS : EventType.EXEC_FINISHED,
                  TestClock.T0.plusSeconds(i))
              .detail(i == 0 ? "unchained_before" : "exit_code", 0)
              .build()
              .chained(i + 1, prev);
      events.add(e);
      prev = e.eventHash();
    }
    return events;
  }

  static AuditChain.Check verify(List<AuditEvent> events, AuditChain.Verifier verifier) {
    for (AuditEvent e : events) {
      if (!verifier.accept(e)) {
        break;
      }
    }
    return verifier.result();
  }

  @Test
  void anIntactChainVerifiesToItsHead() {
    List<AuditEvent> events = chain(3);
    AuditChain.Check check = verify(events, new AuditChain.Verifier());
    assertTrue(check.intact(), check.reason());
    assertEquals(4, check.events());
    assertEquals(events.get(3).eventHash(), check.head());
  }

  @Test
  void anEditedEventBreaksTheChainThere() {
    List<AuditEvent> events = chain(3);
    AuditEvent e = events.get(2);
    AuditEvent edited =
        new AuditEvent(
            e.id(),
            e.occurredAt(),
            e.eventType(),
            e.outcome(),
            e.code(),
            e.workflowId(),
            e.taskId(),
            e.taskHash(),
            e.approvalId(),
            e.executionId(),
            "mallory",
            e.details(),
            e.prevHash(),
            e.eventHash());
    events.set(2, edited);
    AuditChain.Check check = verify(events, new AuditChain.Verifier());
    assertFalse(check.intact());
    assertEquals(3L, check.brokenAt());
  }

  @Test
  void aDeletedEventBreaksTheChainAfterIt() {
    List<AuditEvent> events = chain(3);
    events.remove(1);
    AuditChain.Check check = verify(events, new AuditChain.Verifier());
    assertFalse(check.intact());
    assertEquals(3L, check.brokenAt());
  }

  @Test
  void aTruncatedTailIsFoundOnlyByAnAnchor() {
    List<AuditEvent> events = chain(3);
    AuditEvent newest = events.get(3);
    List<AuditEvent> truncated = events.subList(0, 3);
    assertTrue(verify(truncated, new AuditChain.Verifier()).intact(), "a shorter trail looks fine");
    AuditChain.Check anchored =
        verify(
            truncated,
            new AuditChain.Verifier(Map.of(newest.id(), newest.eventHash()), null, false));
    assertFalse(anchored.intact(), "the anchored event is missing");
  }

  @Test
  void theHashCoversEveryField() {
    AuditEvent e = chain(1).get(1);
    AuditEvent otherType =
        AuditEvent.builder(EventType.EXEC_INTERRUPTED, e.occurredAt())
            .details(e.details())
            .build()
            .chained(e.id(), e.prevHash());
    assertFalse(otherType.eventHash().equals(e.eventHash()));
  }
}
