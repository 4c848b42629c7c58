package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** One run of a task, named in every audit event of it: 1 to 200 characters, no control ones. */
public record ExecutionId(String value) {
  private static final Pattern FORM = Pattern.compile("[^\\p{Cntrl}]{1,200}");

  /** The id a caller gave with {@code --execution-id}; {@code input_invalid} if malformed. */
  public static ExecutionId of(String value) {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "--execution-id must be 1 to 200 characters without control characters");
    }
    return new ExecutionId(value);
  }

  /** A new id: 128 random bits as 32 hex digits. */
  public static ExecutionId random(SecureRandom random) {
    return new ExecutionId(ApprovalId.randomHex(random));
  }

  @Override
  public String toString() {
    return value;
  }
}
