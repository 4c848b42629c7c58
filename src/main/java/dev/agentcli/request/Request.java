package dev.agentcli.request;

import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.Subject;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task binding an agent asked to run, computed in the agent's own environment, with what will
 * run as the person deciding sees it, who asked and why, and until when it may be decided.
 *
 * @param subject the binding an approval signs, never one recomputed elsewhere
 * @param command what will run, with the values (program, digest, arguments, working directory,
 *     environment, stdin, bound files)
 * @param expiresAt the deadline: undecided after it, the request is expired (denied)
 * @param cancelledAt when who asked withdrew it; null unless withdrawn
 */
public record Request(
    RequestId requestId,
    Subject subject,
    Map<String, Object> command,
    String reason,
    Requester requester,
    Instant requestedAt,
    Instant expiresAt,
    Instant cancelledAt) {

  public Request {
    command = Collections.unmodifiableMap(new LinkedHashMap<>(command));
  }
}
