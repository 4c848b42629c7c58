package dev.agentcli.approval;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * An id as people type it: the whole 32 hex digits, or a prefix long enough to be unique (as git
 * takes a commit's). An unknown prefix is not found; one that several ids share is ambiguous, with
 * the matches listed.
 *
 * @param what how messages name the id ("request", "approval")
 * @param shortest the fewest digits accepted
 */
public record ShortId(
    String what, int shortest, ErrorCode notFound, ErrorCode ambiguous, String detailKey) {

  public static final ShortId APPROVAL =
      new ShortId(
          "approval",
          8,
          ErrorCode.APPROVAL_NOT_FOUND,
          ErrorCode.APPROVAL_ID_AMBIGUOUS,
          "approval_id");

  public static final ShortId REQUEST =
      new ShortId(
          "request", 4, ErrorCode.REQUEST_NOT_FOUND, ErrorCode.REQUEST_ID_AMBIGUOUS, "request_id");

  /**
   * The one id that starts with {@code given}.
   *
   * @param startingWith the ids with a prefix, at most the given number of them
   */
  public String resolve(String given, BiFunction<String, Integer, List<String>> startingWith) {
    if (given == null || !given.matches("[0-9a-f]{" + shortest + ",32}")) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "a "
              + what
              + " id is "
              + shortest
              + " to 32 lowercase hex digits (a unique prefix of the id), not '"
              + given
              + "'",
          Map.of(detailKey, String.valueOf(given)));
    }
    List<String> ids = startingWith.apply(given, 10);
    if (ids.isEmpty()) {
      throw new AgentCliException(
          notFound, "no " + what + " with id " + given, Map.of(detailKey, given));
    }
    if (ids.size() > 1) {
      throw new AgentCliException(
          ambiguous,
          "more than one "
              + what
              + " id starts with "
              + given
              + " ("
              + String.join(", ", ids)
              + (ids.size() == 10 ? ", ..." : "")
              + "); give more digits",
          Map.of(detailKey, given, "matches", ids));
    }
    return ids.get(0);
  }
}
