package dev.agentcli.manifest;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The hash of a task binding's canonical JSON ({@link TaskBinding#json()}): what a grant, a request
 * and a denial are bound to, and compared by, so that nothing else can stand in for it. One read
 * from the database is taken as it is: an edited one simply matches no binding.
 */
public record TaskHash(@JsonValue String value) {
  public TaskHash {
    if (value == null) {
      throw new IllegalArgumentException("a task hash is never null");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
