package dev.agentcli.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A target that fails is tried again (after 0.25, 0.5, 1, 2 s...) while the process lives, on a
 * thread of its own: checked in process, where a loaded machine's slow JVM starts cannot eat the 2
 * s a command's end waits (NotifyIT checks that bound with real processes).
 */
class NotifierTest {
  @Test
  void aTargetThatFailsIsTriedAgainWhileTheProcessLives() throws Exception {
    Notifier notifier =
        new Notifier(
            List.of(new Target(null, null, List.of("/bin/false"), Set.of("exec_started"))));
    notifier.send("exec_started", 1L, Map.of("summary", "a run started"));
    Thread.sleep(2_000); // the process goes on with its work meanwhile
    List<Delivery> outcomes = notifier.finish();
    assertEquals(1, outcomes.size());
    assertFalse(outcomes.get(0).delivered(), outcomes.toString());
    assertTrue(outcomes.get(0).attempts() >= 2, "not retried: " + outcomes);
  }
}
