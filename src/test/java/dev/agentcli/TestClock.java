package dev.agentcli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * The tests' one clock: stands still at a given instant until moved, or answers each reading with
 * what a supplier says (to act, or to hang, at the moment the code under test reads the time).
 */
public final class TestClock extends Clock {
  /** The instant the in-process tests start at, unless they move it. */
  public static final Instant T0 = Instant.parse("2026-11-26T12:00:00.000Z");

  private final Supplier<Instant> reading;
  private Instant now;

  private TestClock(Instant now, Supplier<Instant> reading) {
    this.now = now;
    this.reading = reading;
  }

  /** A clock standing at {@code now}. */
  public static TestClock at(Instant now) {
    return new TestClock(now, null);
  }

  /** A clock whose every reading is {@code reading.get()}. */
  public static TestClock reading(Supplier<Instant> reading) {
    return new TestClock(null, reading);
  }

  public TestClock advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  public TestClock set(Instant instant) {
    now = instant;
    return this;
  }

  @Override
  public Instant instant() {
    return reading != null ? reading.get() : now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
