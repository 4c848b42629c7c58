package dev.agentcli.cli;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders an error on stderr: one JSON line for machines, or a readable line for people. */
final class ErrorReport {
  private ErrorReport() {}

  static Map<String, Object> json(AgentCliException e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("code", e.code().id());
    m.put("error_type", e.code().errorType());
    m.put("error", e.getMessage());
    m.put("exit_status", e.code().exitStatus());
    if (!e.details().isEmpty()) {
      m.put("details", e.details());
    }
    return m;
  }

  static void print(PrintWriter err, AgentCliException e, boolean text) {
    if (text) {
      err.println("agentcli: " + SafeText.escape(e.getMessage()) + " [" + e.code().id() + "]");
      Object hint = e.details().get("hint");
      if (hint != null) {
        err.println("  " + SafeText.escape(String.valueOf(hint)));
      }
    } else {
      err.println(Json.compact(json(e)));
    }
    err.flush();
  }
}
