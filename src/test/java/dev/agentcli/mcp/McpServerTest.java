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
}
