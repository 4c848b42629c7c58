package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/** A grant's id: 32 lowercase hex digits (128 random bits), as in the Node tool. */
public record ApprovalId(String value) {
  private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");

  public ApprovalId {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "approval id must be 32 lowercase hex digits, not '" + value + "'",
          Map.of("approval_id", String.valueOf(value)));
    }
  }

  public static ApprovalId random(SecureRandom random) {
    return new ApprovalId(randomHex(random));
  }

  /** 128 random bits as 32 hex digits: the form of approval and execution ids. */
  public static String randomHex(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String toString() {
    return value;
  }
}
