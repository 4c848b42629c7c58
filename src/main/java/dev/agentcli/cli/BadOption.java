package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A malformed or out-of-range option value: a usage error (exit 2) naming the option, as picocli's
 * own conversion errors are, whichever check found it.
 */
final class BadOption {
  private BadOption() {}

  static AgentCliException of(String option, Object value, String must) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("option", option);
    details.put("value", String.valueOf(value));
    details.put("hint", "see: agentcli <command> --help");
    return new AgentCliException(
        ErrorCode.USAGE_ERROR,
        "invalid value for option '" + option + "': " + must + ", not '" + value + "'",
        details);
  }
}
