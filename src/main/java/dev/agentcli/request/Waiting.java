package dev.agentcli.request;

import dev.agentcli.approval.Expiry;
import dev.agentcli.approval.Refusal;
import dev.agentcli.approval.RequestId;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Consumer;

/** The agent waits: for a request's decision, its deadline, or the agent's own, cheaply. */
public final class Waiting {
  /**
   * How often a waiting agent looks whether the database changed: one cheap query, so that a run
   * starts well within a second of its approval.
   */
  static final Duration POLL = Duration.ofMillis(200);

  /**
   * How the waiting agent lets time pass between two looks: the real {@link #SLEEP}, or in a test a
   * clock moved forward, so that deadline and expiry cases run in milliseconds.
   */
  @FunctionalInterface
  public interface Pause {
    void pause(Duration d) throws InterruptedException;
  }

  /** Time passing for real. */
  public static final Pause SLEEP = d -> Thread.sleep(Math.max(1, d.toMillis()));

  private final RequestService requests;
  private final RequestStore store;
  private final Clock clock;
  private final Pause pause;

  public Waiting(RequestService requests, RequestStore store, Clock clock, Pause pause) {
    this.requests = requests;
    this.store = store;
    this.clock = clock;
    this.pause = pause;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Waits until the request is decided or expires, or for {@code wait} at most; looks at the
   * request again only when the database changed (or its deadline passed).
   *
   * @throws AgentCliException {@code approval_timed_out} when {@code wait} ends first
   */
  public RequestService.State until(RequestId requestId, Duration wait) {
    RequestService.State s = await(requestId, wait, x -> {}, x -> {});
    if (!s.status().settled()) {
      throw undecided(s, wait).exception();
    }
    return s;
  }

  /**
   * Waits as {@link #until(String, Duration)} does and returns the request as it then stands:
   * settled, or still pending when {@code wait} ended first. Tells {@code expiringSoon} once when
   * the request's deadline is near (within a fifth of its time to decide, at most {@link #REMINDER}
   * before), and {@code looked} each state read while the request is still open (the first, and
   * each after another connection changed the database): a quorum's progress, say.
   */
  public RequestService.State await(
      RequestId requestId,
      Duration wait,
      Consumer<RequestService.State> expiringSoon,
      Consumer<RequestService.State> looked) {
    Instant until = now().plus(wait);
    boolean reminded = false;
    long seen = store.changes(); // before the read: a commit after it is seen at the next look
    RequestService.State s = requests.state(requestId);
    boolean fresh = true;
    while (true) {
      if (s.status().settled()) {
        if (s.status() == RequestStatus.EXPIRED) {
          recordExpiry();
        }
        return s;
      }
      if (fresh) {
        looked.accept(s);
        fresh = false;
      }
      Instant now = now();
      if (!reminded && !now.isBefore(reminderAt(s.request()))) {
        reminded = true;
        expiringSoon.accept(s);
      }
      if (!now.isBefore(until)) {
        return s;
      }
      sleep(Duration.between(now, until).compareTo(POLL) < 0 ? Duration.between(now, until) : POLL);
      long changes = store.changes();
      if (changes != seen || Expiry.passed(s.request().expiresAt(), now())) {
        seen = changes;
        s = requests.state(requestId);
        fresh = true;
      }
    }
  }

  /** How long before a request's deadline its waiting agent reminds people, at most. */
  public static final Duration REMINDER = Duration.ofMinutes(5);

  private static Instant reminderAt(Request r) {
    Duration toDecide = Duration.between(r.requestedAt(), r.expiresAt());
    Duration before = toDecide.dividedBy(5);
    return r.expiresAt().minus(before.compareTo(REMINDER) < 0 ? before : REMINDER);
  }

  /** Records the expiry seen (best effort: the refusal stands whether or not it is recorded). */
  private void recordExpiry() {
    try {
      requests.recordExpiries();
    } catch (AgentCliException unrecorded) {
      // A busy or read-only database: a watcher records it later.
    }
  }

  /** The refusal a request still undecided after the agent waited {@code wait} gives it. */
  public static Refusal undecided(RequestService.State s, Duration wait) {
    String id = s.request().requestId().value();
    return new Refusal(
        ErrorCode.APPROVAL_TIMED_OUT,
        "request "
            + id
            + " is still undecided after "
            + wait.toSeconds()
            + "s; nothing ran (it stays pending until "
            + Timestamps.format(s.request().expiresAt())
            + ": wait again, or ask a person to decide it)",
        Map.of("request_id", id, "expires_at", Timestamps.format(s.request().expiresAt())));
  }

  /** The refusal a settled request that is not approved gives a waiting agent. */
  public static Refusal refusal(RequestService.State s) {
    String id = s.request().requestId().value();
    if (s.status() == RequestStatus.DENIED) {
      Denial d = s.denials().get(0);
      return new Refusal(
          ErrorCode.APPROVAL_DENIED,
          "request " + id + " was denied by " + d.decider() + ": " + d.reason(),
          Map.of("request_id", id, "denied_by", d.decider(), "reason", d.reason()));
    }
    if (s.status() == RequestStatus.CANCELLED) {
      return new Refusal(
          ErrorCode.REQUEST_CANCELLED,
          "request " + id + " was withdrawn by who asked; nothing ran",
          Map.of("request_id", id));
    }
    return new Refusal(
        ErrorCode.REQUEST_EXPIRED,
        "request "
            + id
            + " expired undecided at "
            + Timestamps.format(s.request().expiresAt())
            + ", which counts as denied",
        Map.of("request_id", id, "expires_at", Timestamps.format(s.request().expiresAt())));
  }

  private void sleep(Duration d) {
    try {
      pause.pause(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentCliException(ErrorCode.INTERNAL_ERROR, "interrupted while waiting");
    }
  }
}
