package dev.agentcli.cli;

import dev.agentcli.app.SafeText;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import java.io.PrintWriter;

/** Renders an error on stderr: one JSON line for machines, or a readable line for people. */
final class ErrorReport {
  private ErrorReport() {}

  static void print(PrintWriter err, AgentCliException e, boolean text) {
    if (text) {
      err.println("agentcli: " + SafeText.escape(e.getMessage()) + " [" + e.code().id() + "]");
      Object hint = e.details().get("hint");
      if (hint != null) {
        err.println("  " + SafeText.escape(String.valueOf(hint)));
      }
    } else {
      err.println(Json.compact(e.report()));
    }
    err.flush();
  }
}
