package dev.agentcli.notify;

import dev.agentcli.codec.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers notifications on threads of their own, so that the gate never waits for a receiver: each
 * attempt is bounded ({@link #ATTEMPT}), a failed one is retried with growing pauses for up to
 * {@link #HORIZON}, and a command ending waits for what is still undelivered at most {@link
 * #BOUND}, then gives it up. Every outcome is handed back to be audited.
 */
public final class Notifier {
  /** The most a command's end waits for its notifications. */
  public static final Duration BOUND = Duration.ofSeconds(2);

  /** The most one attempt (a POST, a command) takes. */
  public static final Duration ATTEMPT = Duration.ofSeconds(2);

  /** How long a delivery is retried. */
  public static final Duration HORIZON = Duration.ofSeconds(30);

  /** The header carrying {@code sha256=<hex HMAC-SHA256(key, timestamp + "." + body)>}. */
  public static final String SIGNATURE_HEADER = "X-Agentcli-Signature";

  public static final String TIMESTAMP_HEADER = "X-Agentcli-Timestamp";

  private final List<Target> targets;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "notify");
            t.setDaemon(true);
            return t;
          });
  private final List<Pending> sent = new ArrayList<>();
  private HttpClient http;

  /** A delivery under way, with how far it got (for when it is given up). */
  private record Pending(
      Future<Delivery> future,
      Target target,
      String type,
      Long eventId,
      AtomicInteger attempts,
      AtomicReference<String> last) {}

  public Notifier(List<Target> targets) {
    this.targets = List.copyOf(targets);
  }

  /** Whether any target wants events of {@code type}. */
  public boolean wants(String type) {
    return targets.stream().anyMatch(t -> t.events().contains(type));
  }

  /** Sends {@code message} to every target that wants {@code type}; returns at once. */
  public synchronized void send(String type, Long eventId, Map<String, Object> message) {
    byte[] body = Json.compact(message).getBytes(StandardCharsets.UTF_8);
    for (Target t : targets) {
      if (t.events().contains(type)) {
        var attempts = new AtomicInteger();
        var last = new AtomicReference<>("not tried");
        sent.add(
            new Pending(
                pool.submit(() -> deliver(t, type, eventId, body, attempts, last)),
                t,
                type,
                eventId,
                attempts,
                last));
      }
    }
  }

  /** The deliveries that have ended since the last call. */
  public synchronized List<Delivery> ended() {
    List<Delivery> done = new ArrayList<>();
    sent.removeIf(
        p -> {
          if (!p.future().isDone()) {
            return false;
          }
          done.add(outcome(p));
          return true;
        });
    return done;
  }

  /**
   * Waits at most {@link #BOUND} for the rest, gives up what is left, and returns every outcome.
   */
  public synchronized List<Delivery> finish() {
    long until = System.nanoTime() + BOUND.toNanos();
    List<Delivery> all = new ArrayList<>();
    for (Pending p : sent) {
      try {
        all.add(p.future().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException late) {
        p.future().cancel(true);
        all.add(
            new Delivery(
                p.target(),
                p.type(),
                p.eventId(),
                false,
                p.attempts().get(),
                "undelivered when agentcli ended (it waits "
                    + BOUND.toSeconds()
                    + " s at most; last attempt: "
                    + p.last().get()
                    + ")"));
      } catch (Exception e) {
        all.add(outcome(p));
      }
    }
    sent.clear();
    pool.shutdownNow();
    return all;
  }

  private static Delivery outcome(Pending p) {
    try {
      return p.future().get();
    } catch (Exception e) {
      return new Delivery(p.target(), p.type(), p.eventId(), false, 0, "failed: " + e);
    }
  }

  private Delivery deliver(
      Target t,
      String type,
      Long eventId,
      byte[] body,
      AtomicInteger tries,
      AtomicReference<String> last) {
    long until = System.nanoTime() + HORIZON.toNanos();
    Duration pause = Duration.ofMillis(250);
    int attempts = 0;
    String result;
    while (true) {
      attempts = tries.incrementAndGet();
      try {
        result = t.webhook() != null ? post(t, type, eventId, body) : command(t, body);
        last.set(result);
        if (result.matches("2[0-9][0-9]|exit 0")) {
          return new Delivery(t, type, eventId, true, attempts, result);
        }
      } catch (InterruptedException e) {
        return new Delivery(t, type, eventId, false, attempts, "given up");
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        result = e.getClass().getSimpleName() + ": " + e.getMessage();
        last.set(result);
      }
      if (System.nanoTime() + pause.toNanos() - until > 0) {
        return new Delivery(t, type, eventId, false, attempts, result);
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        return new Delivery(t, type, eventId, false, attempts, result);
      }
      pause = pause.multipliedBy(2);
    }
  }

  private String post(Target t, String type, Long eventId, byte[] body)
      throws IOException, InterruptedException, GeneralSecurityException {
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    HttpRequest request =
        HttpRequest.newBuilder(t.webhook())
            .timeout(ATTEMPT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "agentcli")
            .header("X-Agentcli-Event", type)
            .header("X-Agentcli-Delivery", eventId == null ? "-" : String.valueOf(eventId))
            .header(TIMESTAMP_HEADER, timestamp)
            .header(
                SIGNATURE_HEADER,
                "sha256=" + sign(Files.readAllBytes(t.secretFile()), timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return String.valueOf(
        client().send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
  }

  /** The hex HMAC-SHA256, under {@code key} (trailing white space dropped), of timestamp.body. */
  public static String sign(byte[] key, String timestamp, byte[] body)
      throws GeneralSecurityException {
    String k = new String(key, StandardCharsets.UTF_8).strip();
    if (k.isEmpty()) {
      throw new GeneralSecurityException("the secret file is empty");
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac.doFinal(body)); // bare hex, no "sha256:"
  }

  private String command(Target t, byte[] body) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(t.command())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(body);
    } catch (IOException notRead) {
      // The command did not read its stdin: its exit status still says whether it worked.
    }
    if (!p.waitFor(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return "timed out after " + ATTEMPT.toSeconds() + " s";
    }
    return "exit " + p.exitValue();
  }

  /** Made on first use, under a lock of its own (finish holds this object's while it waits). */
  private HttpClient client() {
    synchronized (targets) {
      if (http == null) {
        http = HttpClient.newBuilder().connectTimeout(ATTEMPT).build();
      }
      return http;
    }
  }
}
