package dev.agentcli.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an MCP server offers: its tools, and calling one. */
public interface Tools {
  /** The tools as {@code tools/list} describes them (name, title, description, inputSchema...). */
  List<Map<String, Object>> list();

  /**
   * Calls tool {@code name}. A failed or refused run is a result with {@code isError}; only a tool
   * that does not exist or arguments that do not fit are protocol errors.
   *
   * @throws UnknownTool when no tool has that name, or the arguments do not fit it
   */
  ToolResult call(String name, Map<String, Object> arguments);

  /** A call the protocol refuses (JSON-RPC -32602). */
  final class UnknownTool extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownTool(String message) {
      super(message);
    }
  }

  /** A tool's answer: text for the model, the same as data, and whether it failed. */
  record ToolResult(String text, Map<String, Object> structured, boolean isError) {
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("content", List.of(Map.of("type", "text", "text", text)));
      if (structured != null) {
        m.put("structuredContent", structured);
      }
      m.put("isError", isError);
      return m;
    }
  }
}
