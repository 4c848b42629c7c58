package dev.agentcli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code agentcli serve} in its own JVM on a free port, with what it printed when it started (its
 * URL, token file, inbox).
 */
record Served(Process process, JsonNode started) {
  static Served start(Path home, String... more) throws Exception {
    java.util.List<String> args =
        new java.util.ArrayList<>(java.util.List.of("serve", "--port", "0", "--format", "json"));
    args.addAll(java.util.List.of(more));
    Process p = Jvm.start(home, "dev.agentcli.Main", args.toArray(String[]::new));
    StringBuilder json = new StringBuilder();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; !json.toString().endsWith("}\n") && (line = out.readLine()) != null; ) {
      json.append(line).append('\n');
    }
    return new Served(p, ClaudeCodeEvents.JSON.readTree(json.toString()));
  }

  /** Where its web inbox's pages are, without the path: {@code http://localhost:<port>}. */
  String origin() {
    String inbox = started.path("inbox").asText();
    return inbox.substring(0, inbox.length() - "/inbox".length());
  }
}
