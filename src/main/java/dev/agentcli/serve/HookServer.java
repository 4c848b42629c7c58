package dev.agentcli.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Settings;
import dev.agentcli.approval.RequestId;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.hook.ClaudeCodeHook;
import dev.agentcli.hook.ClaudeSettings;
import dev.agentcli.hook.HookAnswer;
import dev.agentcli.hook.PreToolUse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Claude Code hook over HTTP, for {@code agentcli serve}: Claude Code POSTs the PreToolUse
 * event to {@code /v1/hooks/claude-code} on loopback and gets the same answer the command hook
 * prints, from a process that is already running. It fails closed: every answer it can give is a
 * 200 with a decision (a deny for an event it cannot read, one over the size limit, a decision that
 * failed or did not come by the deadline, a server at its limit of concurrent calls); a caller
 * without the bearer token, or that names another host (DNS rebinding: a web page's request to a
 * name that resolves to 127.0.0.1), gets no answer at all (401, 421), which {@code "onFailure":
 * "block"} turns into a block.
 *
 * <p>The same server streams the audit trail ({@link EventStream}, bearer token too), serves the
 * web inbox under {@code /inbox} (a passkey session instead of the token, see {@link Inbox}; on
 * threads of its own, so that a slow browser or ceremony never holds up a hook call) and, with a
 * socket path, answers the hook and health on a Unix socket ({@link SocketServer}).
 *
 * <p>Each call builds its services anew, as an MCP call does: a decision may wait for a person for
 * most of a minute on its own database connection, while others are answered.
 */
public final class HookServer implements AutoCloseable {
  public static final String HOOK_PATH = ClaudeSettings.HTTP_PATH;
  public static final String HEALTH_PATH = "/v1/health";

  /** The loopback port serve listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 47650;

  /** How much of an oversized event is read and dropped before the deny goes out. */
  private static final long DRAINED = 16L * 1024 * 1024;

  /**
   * How the server runs.
   *
   * @param port the loopback TCP port; 0 for any free one
   * @param token the bearer token every request must carry
   * @param deadline a hook's answer is due this long after its request arrived
   * @param concurrent how many decisions run at once; more are denied as busy
   * @param origin where the web inbox is reached (a TLS proxy's https:// address); null for
   *     http://localhost and the port
   * @param socket a Unix socket to answer the hook and the health check on too; null for none
   */
  public record Config(
      int port,
      String token,
      Duration deadline,
      String shellProgram,
      int concurrent,
      String origin,
      Path socket) {}

  private final Context ctx;
  private final Settings.Flags flags;
  private final Config config;
  private final byte[] bearer;
  private final HttpServer http;
  private final ExecutorService decisions;
  private final ExecutorService streams;
  private final ExecutorService pages;
  private final String origin;
  private final Inbox inbox;
  private final SocketServer socket;

  /** How many event streams may be open at once. */
  private static final int STREAMS = 16;

  public HookServer(Context ctx, Settings.Flags flags, Config config) throws IOException {
    this.ctx = ctx;
    this.flags = flags;
    this.config = config;
    this.bearer = ("Bearer " + config.token()).getBytes(StandardCharsets.UTF_8);
    // A client that sends its request slowly is cut off: the JDK server's own bounds.
    System.setProperty("sun.net.httpserver.maxReqTime", "10");
    System.setProperty("sun.net.httpserver.maxRspTime", "10");
    this.http =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 64);
    this.decisions =
        new ThreadPoolExecutor(
            config.concurrent(),
            config.concurrent(),
            1,
            TimeUnit.MINUTES,
            new SynchronousQueue<>(),
            r -> daemon(r, "decision"));
    this.streams =
        new ThreadPoolExecutor(
            0, STREAMS, 1, TimeUnit.MINUTES, new SynchronousQueue<>(), r -> daemon(r, "events"));
    this.pages =
        new ThreadPoolExecutor(
            0,
            config.concurrent(),
            1,
            TimeUnit.MINUTES,
            new SynchronousQueue<>(),
            r -> daemon(r, "inbox-pages"));
    http.setExecutor(Executors.newFixedThreadPool(config.concurrent() + 4, r -> daemon(r, "http")));
    http.createContext("/", this::handle);
    this.origin = config.origin() != null ? config.origin() : "http://localhost:" + port();
    this.inbox =
        new Inbox(
            this::services,
            origin,
            ctx.clock(),
            new ThreadPoolExecutor(
                0,
                config.concurrent(),
                1,
                TimeUnit.MINUTES,
                new SynchronousQueue<>(),
                r -> daemon(r, "inbox")));
    this.socket =
        config.socket() == null
            ? null
            : new SocketServer(
                config.socket(),
                new ThreadPoolExecutor(
                    0,
                    config.concurrent() + 4,
                    1,
                    TimeUnit.MINUTES,
                    new SynchronousQueue<>(),
                    r -> daemon(r, "socket")),
                this::hookAnswer);
  }

  /** The hook's answer to the event {@code body} holds, as JSON: what both listeners send. */
  private Map<String, Object> hookAnswer(InputStream body) {
    return answer(body).json();
  }

  /** Services for one call, built anew, as the process was started (no caller's overrides). */
  private Services services() {
    Services services = new Services(ctx, new Settings(ctx, flags));
    services.refuseOverrides();
    return services;
  }

  /** Where the web inbox is reached. */
  public String origin() {
    return origin;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, "agentcli-serve-" + name);
    t.setDaemon(true);
    return t;
  }

  /** Starts answering; returns at once. */
  public void start() {
    http.start();
    if (socket != null) {
      socket.start();
    }
  }

  /** The port it listens on (the one chosen, when 0 was asked for). */
  public int port() {
    return http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    boolean handedOn = false;
    try {
      if (!hostIsLoopback(ex.getRequestHeaders().getFirst("Host"))) {
        send(ex, 421, Map.of("ok", false, "error", "this server answers only on loopback"));
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.equals("/inbox") || path.startsWith("/inbox/")) {
        handedOn = inbox(ex); // a browser's: a passkey session instead of the bearer token
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !MessageDigest.isEqual(bearer, auth.getBytes(StandardCharsets.UTF_8))) {
        send(ex, 401, Map.of("ok", false, "error", "a bearer token is required"));
        return;
      }
      boolean get = ex.getRequestMethod().equals("GET");
      if (path.equals(HEALTH_PATH) && get) {
        send(ex, 200, Map.of("ok", true, "pid", ProcessHandle.current().pid()));
      } else if (path.equals(HOOK_PATH) && ex.getRequestMethod().equals("POST")) {
        send(ex, 200, hookAnswer(ex.getRequestBody()));
      } else if (path.equals(EventStream.PATH) && get) {
        handedOn = events(ex);
      } else {
        send(ex, 404, Map.of("ok", false, "error", "no such endpoint"));
      }
    } finally {
      if (!handedOn) {
        ex.close();
      }
    }
  }

  /**
   * Starts {@code ex}'s event stream on a thread of its own (the HTTP threads stay free for hook
   * calls); false when it was answered with an error instead.
   */
  private boolean events(HttpExchange ex) throws IOException {
    EventStream.Query query;
    try {
      query =
          EventStream.Query.parse(
              ex.getRequestURI().getRawQuery(), ex.getRequestHeaders().getFirst("Last-Event-ID"));
    } catch (IllegalArgumentException e) {
      send(ex, 400, Map.of("ok", false, "error", e.getMessage()));
      return false;
    }
    try {
      streams.execute(
          () -> {
            try (ex) {
              EventStream.stream(ex, query, this::services);
            } catch (IOException | RuntimeException e) {
              // the client went away, or the store failed: the stream ends, the server goes on
            }
          });
      return true;
    } catch (RejectedExecutionException busy) {
      send(ex, 503, Map.of("ok", false, "error", "too many event streams are open"));
      return false;
    }
  }

  /**
   * Serves {@code ex} from the web inbox on a thread of the inbox's own: a page, a sign-in or a
   * decision may wait (for its body, a ceremony, the database), and the HTTP threads stay free for
   * hook calls. False when it was answered busy instead.
   */
  private boolean inbox(HttpExchange ex) throws IOException {
    try {
      pages.execute(
          () -> {
            try (ex) {
              inbox.handle(ex);
            } catch (IOException | RuntimeException e) {
              // the browser went away, or the request was cut off: the server goes on
            }
          });
      return true;
    } catch (RejectedExecutionException busy) {
      send(ex, 503, Map.of("ok", false, "error", "the inbox is busy: try again in a moment"));
      return false;
    }
  }

  /** The Host a browser sends for a name that resolves to 127.0.0.1 is that name: refused. */
  private boolean hostIsLoopback(String host) {
    if (host == null) {
      return false;
    }
    int port = port();
    return Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port).contains(host)
        || host.equals(URI.create(origin).getRawAuthority());
  }

  /** The hook's answer to the event in {@code body}, by the deadline, whatever happens. */
  HookAnswer answer(InputStream body) {
    long start = System.nanoTime();
    byte[] bytes;
    try {
      bytes = body.readNBytes(PreToolUse.MAX_BYTES + 1);
      if (bytes.length > PreToolUse.MAX_BYTES) {
        // The rest of an oversized event is read and dropped, up to a bound, so that the client
        // gets the deny rather than a connection reset (past the bound it gets the reset).
        byte[] sink = new byte[64 * 1024];
        long dropped = 0;
        for (int n; dropped < DRAINED && (n = body.read(sink)) != -1; ) {
          dropped += n;
        }
      }
    } catch (IOException e) {
      return HookAnswer.deny("agentcli could not read the event, so the call is denied: " + e);
    }
    AtomicReference<RequestId> waitingOn = new AtomicReference<>();
    Future<HookAnswer> decision;
    try {
      decision = decisions.submit(() -> decide(bytes, start, waitingOn));
    } catch (RejectedExecutionException busy) {
      return HookAnswer.deny(
          "agentcli serve is deciding "
              + config.concurrent()
              + " calls already, so this one is denied; retry it in a moment");
    }
    Duration left = config.deadline().minus(Duration.ofNanos(System.nanoTime() - start));
    try {
      return decision.get(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException late) {
      decision.cancel(true);
      return HookAnswer.deny(ClaudeCodeHook.undecided(waitingOn.get(), config.deadline()));
    } catch (ExecutionException e) {
      return HookAnswer.deny("agentcli failed, so the call is denied: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HookAnswer.deny("agentcli serve is stopping, so the call is denied");
    }
  }

  private HookAnswer decide(byte[] event, long start, AtomicReference<RequestId> waitingOn) {
    try (Services services = services()) {
      return new ClaudeCodeHook(
              services, ctx, config.deadline(), config.shellProgram(), start, waitingOn)
          .decide(PreToolUse.parse(event));
    } catch (AgentCliException e) {
      return HookAnswer.deny(
          "agentcli refused the call (" + e.code().id() + "): " + e.getMessage());
    }
  }

  private static void send(HttpExchange ex, int status, Map<String, Object> json)
      throws IOException {
    byte[] body = (Json.compact(json) + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops answering, giving calls in flight a second. */
  @Override
  public void close() {
    streams.shutdownNow();
    if (socket != null) {
      socket.close();
    }
    http.stop(1);
    decisions.shutdownNow();
    pages.shutdownNow();
  }
}
