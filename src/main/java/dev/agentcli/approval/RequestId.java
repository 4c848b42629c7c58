package dev.agentcli.approval;

import com.fasterxml.jackson.annotation.JsonValue;
import java.security.SecureRandom;

/**
 * A request's id as stored: 32 lowercase hex digits when agentcli filed it. Grants carry it (the
 * request a grant answers is part of what its approver signed), so it lives beside {@link
 * ApprovalId}. What people type is resolved by {@link ShortId#REQUEST}; an id read from the
 * database is taken as it is, so that an edited row is refused where it is checked (its signature,
 * its binding) rather than unreadable.
 */
public record RequestId(@JsonValue String value) {
  public RequestId {
    if (value == null) {
      throw new IllegalArgumentException("a request id is never null");
    }
  }

  /** A new id: 128 random bits as 32 hex digits. */
  public static RequestId random(SecureRandom random) {
    return new RequestId(ApprovalId.randomHex(random));
  }

  @Override
  public String toString() {
    return value;
  }
}
