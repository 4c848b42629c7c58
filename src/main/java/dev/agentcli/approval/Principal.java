package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.Map;
import java.util.regex.Pattern;

/** Who approves, denies or revokes: 1 to 200 characters, no spaces or control characters. */
public record Principal(String value) {
  private static final Pattern FORM = Pattern.compile("[^\\s\\p{Cntrl}]{1,200}");

  /** The principal {@code value}, given with {@code option}; {@code input_invalid} if malformed. */
  public static Principal of(String value, String option) {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          option + " must name a principal: 1 to 200 characters, no spaces or control characters",
          Map.of("option", option));
    }
    return new Principal(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
