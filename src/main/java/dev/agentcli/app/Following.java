package dev.agentcli.app;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditFeed;
import dev.agentcli.error.AgentCliException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The audit trail followed as it grows: what {@code watch} prints and {@code serve} streams. It
 * reads again only when another process committed, records the expiry of requests nobody decided
 * (once a second), and sends the notifications those writes owe.
 */
public final class Following {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int BATCH = 500;

  /** Where the events go. */
  public interface Reader {
    /** One event; false when the reader has gone away. */
    boolean event(AuditEvent e);

    /** After each batch and each poll with nothing new; false when the reader has gone away. */
    boolean pause();
  }

  private Following() {}

  /**
   * Gives {@code reader} the events after {@code since} (null: only those from now on) of the types
   * in {@code wanted} (empty: all), until the reader goes away, the thread is interrupted, or, with
   * {@code once}, what there is now has been given.
   */
  public static void follow(
      Services services, Long since, Set<String> wanted, boolean once, Reader reader) {
    Long last = since;
    long seen = Long.MIN_VALUE;
    long nextExpiryCheck = System.nanoTime();
    while (true) {
      Optional<AuditFeed> feed = services.existingFeed();
      if (feed.isPresent()) {
        if (System.nanoTime() - nextExpiryCheck >= 0) {
          if (recordExpiries(services) > 0) {
            seen = Long.MIN_VALUE; // this connection's own writes do not change data_version
          }
          services.notifyCommitted();
          nextExpiryCheck = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        }
        if (last == null) {
          last = feed.get().lastId();
        }
        long changes = feed.get().changes();
        if (changes != seen) {
          seen = changes;
          Long after = give(feed.get(), last, wanted, reader);
          if (after == null) {
            return;
          }
          last = after;
        }
      } else if (last == null) {
        last = 0L; // the database does not exist yet: everything it will hold is new
      }
      if (once || !reader.pause()) {
        return;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Gives the events after {@code last}; the id of the last one read, null if the reader left. */
  private static Long give(AuditFeed feed, long last, Set<String> wanted, Reader reader) {
    while (true) {
      List<AuditEvent> batch = new ArrayList<>();
      feed.after(last, BATCH, batch::add);
      for (AuditEvent e : batch) {
        if ((wanted.isEmpty() || wanted.contains(e.eventType())) && !reader.event(e)) {
          return null;
        }
        last = e.id();
      }
      if (batch.size() < BATCH) {
        return last;
      }
    }
  }

  private static int recordExpiries(Services services) {
    try {
      return services.existingRequests().map(r -> r.recordExpiries()).orElse(0);
    } catch (AgentCliException notNow) {
      return 0; // busy, or a reader without write access: another records it
    }
  }
}
