package dev.agentcli.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.agentcli.app.Following;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.codec.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /v1/events}: the audit trail as Server-Sent Events, what {@code agentcli watch}
 * prints, for dashboards and browsers. Each event is {@code id: <event id>}, {@code event: <type>}
 * and {@code data: <the event as watch's JSON line>}; a client that reconnects with {@code
 * Last-Event-ID} (as browsers do) or {@code ?since=<id>} misses and repeats nothing. {@code
 * ?type=<event type>} (repeatable) keeps only those types. A comment goes out every 15 seconds
 * while nothing happens, so that a client that left is noticed and its stream ended.
 */
final class EventStream {
  static final String PATH = "/v1/events";
  private static final long KEEPALIVE_NANOS = Duration.ofSeconds(15).toNanos();

  /** The request's choice of events: where to start and which types. */
  record Query(Long since, Set<String> types) {
    /** Read from the query string and the Last-Event-ID header; the reason it cannot be. */
    static Query parse(String query, String lastEventId) throws IllegalArgumentException {
      Long since = null;
      Set<String> types = new LinkedHashSet<>();
      for (String pair : query == null ? new String[0] : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        switch (name) {
          case "since" -> since = eventId("since", value);
          case "type" -> {
            if (EventType.of(value).isEmpty()) {
              throw new IllegalArgumentException("type " + value + " is not an event type");
            }
            types.add(value);
          }
          default -> throw new IllegalArgumentException("unknown parameter " + name);
        }
      }
      if (lastEventId != null) {
        since = eventId("Last-Event-ID", lastEventId);
      }
      return new Query(since, types);
    }

    private static long eventId(String what, String value) {
      try {
        long id = Long.parseLong(value);
        if (id >= 0) {
          return id;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new IllegalArgumentException(what + " must be an event id, 0 or more");
    }
  }

  private EventStream() {}

  /** Streams the events {@code query} asks for on {@code ex} until the client leaves. */
  static void stream(HttpExchange ex, Query query, Supplier<Services> services) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    // The first bytes tell the client the stream is open, before any event.
    if (!write(out, ": agentcli events\n\n")) {
      return;
    }
    long[] quietSince = {System.nanoTime()};
    try (Services s = services.get()) {
      Following.follow(
          s,
          query.since(),
          query.types(),
          false,
          new Following.Reader() {
            @Override
            public boolean event(AuditEvent e) {
              quietSince[0] = System.nanoTime();
              return write(
                  out,
                  "id: "
                      + e.id()
                      + "\nevent: "
                      + e.eventType()
                      + "\ndata: "
                      + Json.compact(Views.event(e))
                      + "\n\n");
            }

            @Override
            public boolean pause() {
              if (System.nanoTime() - quietSince[0] < KEEPALIVE_NANOS) {
                return true;
              }
              quietSince[0] = System.nanoTime();
              return write(out, ": keepalive\n\n");
            }
          });
    }
  }

  /** Writes and flushes {@code text}; false when the client has gone. */
  private static boolean write(OutputStream out, String text) {
    try {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException gone) {
      return false;
    }
  }
}
