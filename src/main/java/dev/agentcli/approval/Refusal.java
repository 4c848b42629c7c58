package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The gate saying no: a value to audit and report, thrown only at the edge of a command. */
public record Refusal(ErrorCode code, String message, Map<String, Object> details) {
  public Refusal {
    details = new LinkedHashMap<>(details);
  }

  static Refusal of(AgentCliException e) {
    return new Refusal(e.code(), e.getMessage(), e.details());
  }

  public AgentCliException exception() {
    return new AgentCliException(code, message, details);
  }
}
