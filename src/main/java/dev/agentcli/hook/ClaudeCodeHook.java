package dev.agentcli.hook;

import dev.agentcli.app.AdHocRun;
import dev.agentcli.app.Caller;
import dev.agentcli.app.Context;
import dev.agentcli.app.FirstUse;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.RequestId;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.RequestStatus;
import dev.agentcli.request.Waiting;
import dev.agentcli.rules.Rules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Claude Code PreToolUse hook's decision for one Bash call, over the application layer: the
 * rules' judgement, and for a command that asks, the request filed (or joined), the wait for its
 * decision, and the rewrite through {@code agentcli run} once approved. How the event arrives and
 * the answer leaves (a process's stdin and stdout, with a deadline of its own) is the caller's.
 */
public final class ClaudeCodeHook {
  /** The time the hook keeps for its own answer after it stops waiting. */
  private static final Duration MARGIN = Duration.ofSeconds(2);

  /** How long the hook waits on a request nobody is told of (a person may be watching). */
  static final Duration UNANNOUNCED_WAIT = Duration.ofSeconds(3);

  private final Services services;
  private final Context ctx;
  private final Duration deadline;
  private final String shellProgram;
  private final long start;
  private final AtomicReference<RequestId> waitingOn;

  /**
   * @param deadline the answer is due this long after {@code start} (System.nanoTime)
   * @param shellProgram the shell an approved command runs with
   * @param waitingOn set to the request's id once one is filed: the caller's deadline answer
   */
  public ClaudeCodeHook(
      Services services,
      Context ctx,
      Duration deadline,
      String shellProgram,
      long start,
      AtomicReference<RequestId> waitingOn) {
    this.services = services;
    this.ctx = ctx;
    this.deadline = deadline;
    this.shellProgram = shellProgram;
    this.start = start;
    this.waitingOn = waitingOn;
  }

  /** The answer to {@code call}, recorded in the audit trail (an allow only once recorded). */
  public HookAnswer decide(PreToolUse call) {
    Optional<String> bash = call.bashCommand();
    if (bash.isEmpty()) {
      return HookAnswer.none();
    }
    String command = bash.get();
    Rules rules = services.rules();
    BashJudgement judgement = BashJudgement.of(command, rules, Path.of(call.cwd()), ctx.env());
    HookAnswer answer;
    if (judgement instanceof BashJudgement.Denied d) {
      answer = HookAnswer.deny(d.reason());
    } else if (judgement instanceof BashJudgement.Gated && rules.askClaudeCode()) {
      // The rules hand the decision to Claude Code's own prompt ("on_ask": "claude-code"): no
      // request, no grant; the hand-off is audited, and what the person answers there is not.
      answer =
          HookAnswer.ask(
              "agentcli's rules ask a person for this command (rule \""
                  + judgement.ruling().rule()
                  + "\"); they hand the decision to you here");
    } else if (judgement instanceof BashJudgement.Gated g) {
      answer = gated(call, command);
    } else {
      answer =
          HookAnswer.allow("allowed by agentcli rule \"" + judgement.ruling().rule() + "\"", null);
    }
    AuditEvent event =
        HookEvents.judged(services.approvals().now(), call, command, judgement, answer);
    try {
      services.audit().append(event);
    } catch (AgentCliException unrecorded) {
      if ("allow".equals(answer.decision())) {
        throw unrecorded; // nothing runs that the trail does not show
      }
    }
    return answer;
  }

  private HookAnswer gated(PreToolUse call, String command) {
    AdHocRun run =
        AdHocRun.bind(services, Path.of(call.cwd()), Optional.of(command), List.of(), shellProgram);
    Map<String, Object> rewritten = new LinkedHashMap<>(call.toolInput());
    rewritten.put("command", throughTheGate(command));
    Optional<Grant> usable =
        services.approvals().peek(run.task(), run.binding(), Optional.empty()).claimed();
    if (usable.isPresent()) {
      return HookAnswer.allow(
          "approved by "
              + usable.get().approver()
              + " (grant "
              + usable.get().approvalId()
              + "); it runs through agentcli run, which uses the grant",
          rewritten);
    }
    RequestService.Filed filed =
        GatedRun.file(
            services,
            run.task(),
            run.binding(),
            call.description(),
            Caller.as("claude-code:" + call.sessionId(), ctx));
    RequestId id = filed.request().requestId();
    String again = filed.expired().isPresent() ? " (" + filed.expiredNotice() + ")" : "";
    waitingOn.set(id);
    Duration left = deadline.minus(Duration.ofNanos(System.nanoTime() - start)).minus(MARGIN);
    // Nobody is told of the request (no notification target wants it): no silent stall until the
    // deadline. A few seconds for a person already watching, then the user hears what to do.
    boolean reached = services.requestsReachSomeone();
    if (!reached && left.compareTo(UNANNOUNCED_WAIT) > 0) {
      left = UNANNOUNCED_WAIT;
    }
    RequestService.State state =
        services.waiting().await(id, left.isNegative() ? Duration.ZERO : left, s -> {}, s -> {});
    if (!state.status().settled()) {
      return HookAnswer.deny(
          (reached
                  ? undecided(id, deadline)
                  : unannounced(id, call.description(), FirstUse.nobodyTrusted(services)))
              + again);
    }
    if (state.status() != RequestStatus.APPROVED) {
      return HookAnswer.deny(
          Waiting.refusal(state).message() + ". Nothing ran; do not retry it in another form.");
    }
    return HookAnswer.allow(
        "approved by "
            + String.join(", ", state.approvers())
            + " (request "
            + id
            + "); it runs through agentcli run, which uses the grant",
        rewritten);
  }

  /**
   * The command that claims the grant and runs exactly the approved line, its own output on its own
   * streams (the model reads what the command printed, not agentcli's envelope).
   */
  private String throughTheGate(String command) {
    String launcher = ctx.env().getOrDefault("AGENTCLI_LAUNCHER", "agentcli");
    return quote(launcher)
        + " run --passthrough --shell-program "
        + quote(shellProgram)
        + " --shell "
        + quote(command);
  }

  /** {@code s} as one word a POSIX shell reads back exactly: single-quoted. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** The answer when nobody was told of the request: words for the user, through the model. */
  private static String unannounced(
      RequestId requestId, String description, boolean nobodyTrusted) {
    return "This command needs the user's approval"
        + (description == null || description.isBlank() ? "" : " (" + description + ")")
        + ", and no notification is set up to tell anyone. Tell the user: \""
        + (nobodyTrusted
            ? "agentcli trusts no signing key yet: first, once, run `"
                + FirstUse.TRUST_YOUR_KEY
                + "` (an approval is signed with that key); then "
            : "")
        + "run `agentcli requests show "
        + requestId
        + "` in a terminal to see exactly what would run, then `agentcli approve "
        + requestId
        + " --by <you>` (or `agentcli deny "
        + requestId
        + " --by <you> --reason '...'`)\", and retry the same command once they have approved it."
        + " Nothing ran.";
  }

  /** The answer when no decision came by the deadline ({@code requestId} null: none was filed). */
  public static String undecided(RequestId requestId, Duration deadline) {
    if (requestId == null) {
      return "agentcli could not judge this call within "
          + deadline.toSeconds()
          + "s, so it is denied; nothing ran.";
    }
    return "No decision yet on request "
        + requestId
        + " (a person sees it with `agentcli requests show "
        + requestId
        + "` and decides with `agentcli approve "
        + requestId
        + "` or `agentcli deny "
        + requestId
        + "`); nothing ran. Run the same command again later: it runs once approved, and until"
        + " then a retry waits on the same request.";
  }
}
