package dev.agentcli.hook;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Sha256;
import java.time.Instant;

/** The audit event of a hook's answer: what it judged, by which rule, and what it said. */
public final class HookEvents {
  private HookEvents() {}

  public static AuditEvent judged(
      Instant at, PreToolUse call, String command, BashJudgement judgement, HookAnswer answer) {
    boolean allowed = "allow".equals(answer.decision());
    return AuditEvent.builder(EventType.COMMAND_JUDGED, at)
        .outcome(allowed ? Outcome.OK : Outcome.REFUSED, allowed ? null : "hook_denied")
        .actor("claude-code:" + call.sessionId())
        .detail("adapter", "claude-code")
        .detail("decision", answer.decision())
        .detail("rule", judgement.ruling().rule())
        .detail("command_sha256", Sha256.of(command))
        .detail("program", program(judgement))
        .detail("cwd", call.cwd())
        .detail("session_id", call.sessionId())
        .detail("tool_use_id", call.toolUseId())
        .detail("reason", answer.reason())
        .build();
  }

  private static String program(BashJudgement j) {
    String c = j.ruling().command();
    int space = c.indexOf(' ');
    return space < 0 ? c : c.substring(0, space);
  }
}
