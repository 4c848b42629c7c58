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
}
