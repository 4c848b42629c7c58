package dev.agentcli.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.codec.Json;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpServerTest {
  static final Tools ECHO =
      new Tools() {
        @Override
        public List<Map<String, Object>> list() {
          return List.of(Map.of("name", "echo", "inputSchema", Map.of("type", "object")));
        }

        @Override
        public ToolResult call(String name, Map<String, Object> arguments) {
          if (!name.equals("echo")) {
            throw new UnknownTool("no tool named '" + name + "'");
          }
          return new ToolResult(String.valueOf(arguments.get("text")), null, false);
        }
      };

  /** The server's answers to {@code lines}, by id (null for those without one). */
  static List<Map<String, Object>> serve(String... lines) throws Exception {
    StringWriter out = new StringWriter();
    new McpServer(
            ECHO,
            new ByteArrayInputStream(
                (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "test",
            "instructions")
        .serve();
    return out.toString().lines().map(Json::parseObject).toList();
  }

  static String init(String version) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
        + version
        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> result(Map<String, Object> answer) {
    return (Map<String, Object>) answer.get("result");
  }

  @SuppressWarnings("unchecked")
  static Number errorCode(Map<String, Object> answer) {
    return (Number) ((Map<String, Object>) answer.get("error")).get("code");
  }

  @Test
  void theClientsVersionIsAnsweredWhenKnownElseTheNewest() throws Exception {
    for (String v : List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05")) {
      assertEquals(v, result(serve(init(v)).get(0)).get("protocolVersion"));
    }
    assertEquals("2025-11-25", result(serve(init("2099-01-01")).get(0)).get("protocolVersion"));
    Map<String, Object> r = result(serve(init("2025-06-18")).get(0));
    assertEquals(Map.of("tools", Map.of("listChanged", false)), r.get("capabilities"));
    assertEquals("instructions", r.get("instructions"));
  }

  @Test
  void everyRequestGetsOneAnswerAndNotificationsAndResponsesNone() throws Exception {
    List<Map<String, Object>> answers =
        serve(
            init("2025-11-25"),
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "",
            "{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":[1]}}",
            "not json",
            "[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}]",
            "{\"id\":8,\"method\":\"ping\"}");
    assertEquals(10, answers.size(), answers.toString());
    Map<Object, Map<String, Object>> byId = new java.util.HashMap<>();
    answers.forEach(a -> byId.put(String.valueOf(a.get("id")), a));
    assertEquals(Map.of(), result(byId.get("p")));
    assertEquals(1, ((List<?>) result(byId.get("2")).get("tools")).size());
    assertEquals(-32601, errorCode(byId.get("3")).intValue());
    assertEquals(-32602, errorCode(byId.get("4")).intValue());
    assertEquals(-32602, errorCode(byId.get("6")).intValue());
    assertEquals(
        List.of(Map.of("type", "text", "text", "hi")), result(byId.get("5")).get("content"));
    assertEquals(false, result(byId.get("5")).get("isError"));
    long nullIds = answers.stream().filter(a -> a.get("id") == null).count();
    assertEquals(3, nullIds, "parse error, batch and a message without jsonrpc");
    assertTrue(answers.stream().allMatch(a -> "2.0".equals(a.get("jsonrpc"))));
  }

  /**
   * Issue 24, finding 6: 1,500 concurrent calls made 1,513 threads. Of 2,000 calls sent at once to
   * a tool that holds each until released, at most WORKERS run, WAITING wait, the rest are refused
   * at once, and every call gets exactly one answer.
   */
  @Test
  void concurrentCallsAreBoundedAndEachAnswered() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger running =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    Tools slow =
        new Tools() {
          @Override
          public List<Map<String, Object>> list() {
            return ECHO.list();
          }

          @Override
          public ToolResult call(String name, Map<String, Object> arguments) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            return new ToolResult("done", null, false);
          }
        };
    StringBuilder in = new StringBuilder();
    for (int i = 1; i <= 2000; i++) {
      in.append("{\"jsonrpc\":\"2.0\",\"id\":")
          .append(i)
          .append(",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}\n");
    }
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream stdin = new java.io.PipedInputStream(feed, 1 << 20);
    StringWriter out = new StringWriter();
    McpServer server =
        new McpServer(
            slow, stdin, new PrintWriter(out), new PrintWriter(new StringWriter()), "t", "i");
    Thread serving =
        new Thread(
            () -> {
              try {
                server.serve();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    serving.start();
    int threadsBefore = Thread.activeCount();
    feed.write(in.toString().getBytes(StandardCharsets.UTF_8));
    feed.flush();
    int refused = McpServer.WORKERS + McpServer.WAITING;
    for (int i = 0; i < 600 && out.toString().lines().count() < 2000 - refused; i++) {
      Thread.sleep(50);
    }
    List<Map<String, Object>> early = out.toString().lines().map(Json::parseObject).toList();
    assertEquals(2000 - refused, early.size(), "the calls past the bound are answered at once");
    assertTrue(early.stream().allMatch(a -> errorCode(a).intValue() == McpServer.BUSY));
    assertTrue(
        Thread.activeCount() - threadsBefore <= McpServer.WORKERS + 1, "threads stay bounded");
    release.countDown();
    feed.close();
    serving.join(60_000);
    List<Map<String, Object>> all = out.toString().lines().map(Json::parseObject).toList();
    assertEquals(2000, all.size(), "one answer per call");
    assertEquals(2000, all.stream().map(a -> a.get("id")).distinct().count());
    assertEquals(refused, all.stream().filter(a -> a.containsKey("result")).count());
    assertTrue(most.get() <= McpServer.WORKERS, "at most " + McpServer.WORKERS + " ran at once");
  }
}
