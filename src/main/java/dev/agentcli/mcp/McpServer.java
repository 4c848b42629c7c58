package dev.agentcli.mcp;

import dev.agentcli.codec.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A Model Context Protocol server over stdio: newline-delimited JSON-RPC 2.0 on stdin and stdout,
 * nothing but protocol messages on stdout, diagnostics on stderr. It offers tools only. Written on
 * the JSON library agentcli already has rather than the official Java SDK: the protocol subset a
 * tool server needs is a few methods, and the SDK (14 jars, ~7 MB with reactor) would add to every
 * start of a process that lives a few hundred milliseconds.
 *
 * <p>Tool calls run on a fixed pool of {@value #WORKERS} workers (a gated call may wait minutes for
 * a person), so that {@code ping} and other calls are answered meanwhile; up to {@value #WAITING}
 * more calls wait for a worker, and a call beyond those is answered at once with a JSON-RPC error
 * ({@value #BUSY}, "busy"): threads, database connections and memory stay bounded whatever a client
 * sends. Answers are written whole, one per line.
 */
public final class McpServer {
  /** The versions this server speaks, newest first. */
  public static final List<String> VERSIONS =
      List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

  /** Longer lines are refused: no tool call needs them. */
  static final int MAX_LINE = 4 * 1024 * 1024;

  private final Tools tools;
  private final InputStream in;
  private final PrintWriter out;
  private final PrintWriter log;
  private final String version;
  private final String instructions;

  /** Tool calls that run at once, each with its own database connection. */
  public static final int WORKERS = 8;

  /** Tool calls that wait for a worker; past them a call is refused at once. */
  public static final int WAITING = 64;

  /** The JSON-RPC error code of a call refused because every worker and waiting place is taken. */
  public static final int BUSY = -32000;

  private final ExecutorService calls =
      new ThreadPoolExecutor(
          WORKERS,
          WORKERS,
          30,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(WAITING),
          r -> {
            Thread t = new Thread(r, "mcp-call");
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.AbortPolicy());

  public McpServer(
      Tools tools,
      InputStream in,
      PrintWriter out,
      PrintWriter log,
      String version,
      String instructions) {
    this.tools = tools;
    this.in = new BufferedInputStream(in);
    this.out = out;
    this.log = log;
    this.version = version;
    this.instructions = instructions;
  }

  /** Serves until stdin ends, then lets the calls in progress finish. */
  public void serve() throws IOException {
    while (true) {
      byte[] line = readLine();
      if (line == null) {
        break;
      }
      if (line.length == 0) {
        continue;
      }
      handle(line);
    }
    calls.shutdown();
    try {
      calls.awaitTermination(1, TimeUnit.HOURS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(byte[] line) {
    if (line.length > MAX_LINE) {
      send(error(null, -32600, "the message is longer than " + MAX_LINE + " bytes"));
      return;
    }
    Object parsed;
    try {
      parsed = Json.parse(line);
    } catch (IOException | RuntimeException e) {
      send(error(null, -32700, "parse error: " + e.getMessage()));
      return;
    }
    if (!(parsed instanceof Map<?, ?> msg) || !"2.0".equals(msg.get("jsonrpc"))) {
      send(error(null, -32600, "not a JSON-RPC 2.0 message (batches are not supported)"));
      return;
    }
    Object id = msg.get("id");
    if (!(msg.get("method") instanceof String method)) {
      return; // a response to a request of ours: this server sends none
    }
    if (id == null) {
      return; // a notification: initialized, cancelled, ... nothing to answer
    }
    if (!(id instanceof String) && !(id instanceof Number)) {
      send(error(null, -32600, "the id must be a string or a number"));
      return;
    }
    Map<?, ?> params = msg.get("params") instanceof Map<?, ?> p ? p : Map.of();
    switch (method) {
      case "initialize" -> send(result(id, initialize(params)));
      case "ping" -> send(result(id, Map.of()));
      case "tools/list" -> send(result(id, Map.of("tools", tools.list())));
      case "tools/call" -> {
        try {
          calls.execute(() -> send(call(id, params)));
        } catch (RejectedExecutionException busy) {
          send(
              error(
                  id,
                  BUSY,
                  "busy: "
                      + WORKERS
                      + " tool calls are running and "
                      + WAITING
                      + " waiting; try again when one has been answered"));
        }
      }
      default -> send(error(id, -32601, "method not found: " + method));
    }
  }

  private Map<String, Object> initialize(Map<?, ?> params) {
    Object asked = params.get("protocolVersion");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("protocolVersion", VERSIONS.contains(asked) ? asked : VERSIONS.get(0));
    r.put("capabilities", Map.of("tools", Map.of("listChanged", false)));
    r.put(
        "serverInfo",
        Map.of("name", "agentcli", "title", "agentcli approval gate", "version", version));
    r.put("instructions", instructions);
    return r;
  }

  private Map<String, Object> call(Object id, Map<?, ?> params) {
    if (!(params.get("name") instanceof String name)) {
      return error(id, -32602, "tools/call needs the tool's name");
    }
    Object args = params.get("arguments");
    if (args != null && !(args instanceof Map<?, ?>)) {
      return error(id, -32602, "the arguments must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> arguments = args == null ? Map.of() : (Map<String, Object>) args;
    try {
      return result(id, tools.call(name, arguments).json());
    } catch (Tools.UnknownTool e) {
      return error(id, -32602, e.getMessage());
    } catch (RuntimeException e) {
      log.println("agentcli mcp: " + name + " failed: " + e);
      log.flush();
      return result(id, new Tools.ToolResult("agentcli failed: " + e, null, true).json());
    }
  }

  private static Map<String, Object> result(Object id, Object result) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jsonrpc", "2.0");
    m.put("id", id);
    m.put("result", result);
    return m;
  }

  private static Map<String, Object> error(Object id, int code, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jsonrpc", "2.0");
    m.put("id", id);
    m.put("error", Map.of("code", code, "message", message));
    return m;
  }

  private synchronized void send(Map<String, Object> message) {
    out.print(Json.compact(message));
    out.print('\n');
    out.flush();
  }

  /** One line without its end; null at the end of input. Bytes past MAX_LINE are dropped. */
  private byte[] readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    boolean any = false;
    while ((b = in.read()) >= 0) {
      any = true;
      if (b == '\n') {
        break;
      }
      if (line.size() <= MAX_LINE) {
        line.write(b);
      }
    }
    if (!any) {
      return null;
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      return Arrays.copyOf(bytes, n - 1);
    }
    return bytes;
  }
}
