package dev.agentcli.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one exception type: a stable code, a message for people, and details for machines. */
public final class AgentCliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> details;

  public AgentCliException(ErrorCode code, String message) {
    this(code, message, Map.of(), null);
  }

  public AgentCliException(ErrorCode code, String message, Map<String, ?> details) {
    this(code, message, details, null);
  }

  public AgentCliException(
      ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }

  /** The error as agentcli reports it to machines: one JSON object (stderr, MCP, result files). */
  public Map<String, Object> report() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("code", code().id());
    m.put("error_type", code().errorType());
    m.put("error", getMessage());
    m.put("exit_status", code().exitStatus());
    if (!details().isEmpty()) {
      m.put("details", details());
    }
    return m;
  }
}
