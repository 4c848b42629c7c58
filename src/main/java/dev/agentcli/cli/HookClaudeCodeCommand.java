package dev.agentcli.cli;

import dev.agentcli.app.Caller;
import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.approval.Grant;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.hook.BashJudgement;
import dev.agentcli.hook.HookAnswer;
import dev.agentcli.hook.HookEvents;
import dev.agentcli.hook.PreToolUse;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.RequestStatus;
import dev.agentcli.request.Waiting;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

final class HookClaudeCodeCommand extends BaseCommand {
  /** The time the hook keeps for its own answer after it stops waiting. */
  private static final Duration MARGIN = Duration.ofSeconds(2);

  /** How long the hook waits on a request nobody is told of (a person may be watching). */
  static final Duration UNANNOUNCED_WAIT = Duration.ofSeconds(3);

  Duration deadline;
  String shellProgram;

  @Override
  void declare(Definition d) {
    d.text(
        "The Claude Code PreToolUse hook: reads the event on stdin and answers allow, deny or"
            + " nothing (another tool than Bash) on stdout, always with exit status 0. It fails"
            + " closed: unreadable or oversized input, an error, a line of several commands that"
            + " holds one that needs approval, and no decision by --deadline are all a deny.",
        "A command the rules allow is allowed; one they deny is denied with the reason. One that"
            + " asks is filed as a request (or joins the pending one) and the hook waits for the"
            + " decision until its deadline when a notification tells someone of it, else for 3 s"
            + " and then denies with what the user must run to approve it; on an approval it allows"
            + " the call rewritten to run through agentcli run, which consumes the grant and runs"
            + " exactly what was approved.");
    d.option(Duration.class, "--deadline")
        .label("<duration>")
        .defaultValue("50s")
        .converter(new DurationConverter())
        .text(
            "Answer deny on its own this long after starting (default ${DEFAULT-VALUE}); keep it"
                + " below the hook's timeout in settings.json, since a hook Claude Code times out"
                + " lets the tool run.")
        .to(v -> deadline = v);
    d.option(String.class, "--shell-program")
        .label("<program>")
        .defaultValue("bash")
        .text("The shell an approved command runs with (default ${DEFAULT-VALUE}).")
        .to(v -> shellProgram = v);
  }

  HookClaudeCodeCommand(Context ctx) {
    super(ctx);
  }

  /** The one answer the hook gives, by its own work or by the deadline, whichever is first. */
  private static final class Answer {
    private final AtomicBoolean given = new AtomicBoolean();
    private final PrintWriter out;

    Answer(PrintWriter out) {
      this.out = out;
    }

    boolean give(HookAnswer answer) {
      if (!given.compareAndSet(false, true)) {
        return false;
      }
      out.println(Json.compact(answer.json()));
      out.flush();
      return true;
    }
  }

  @Override
  int run(Services services) {
    long start = System.nanoTime();
    Answer answer = new Answer(out());
    AtomicReference<String> waitingOn = new AtomicReference<>();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(deadline.toMillis());
              } catch (InterruptedException answered) {
                return;
              }
              if (answer.give(HookAnswer.deny(undecided(waitingOn.get())))) {
                // The main work may be stuck (a lock, a slow disk): the answer is out, stop here.
                Runtime.getRuntime().halt(0);
              }
            },
            "hook-deadline");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      answer.give(decide(services, start, waitingOn));
    } catch (AgentCliException e) {
      answer.give(
          HookAnswer.deny("agentcli refused the call (" + e.code().id() + "): " + e.getMessage()));
    } catch (RuntimeException e) {
      answer.give(HookAnswer.deny("agentcli failed, so the call is denied: " + e));
    } finally {
      watchdog.interrupt();
    }
    return 0;
  }

  private HookAnswer decide(Services services, long start, AtomicReference<String> waitingOn) {
    PreToolUse call;
    try {
      call = PreToolUse.parse(ctx.stdin().readNBytes(PreToolUse.MAX_BYTES + 1));
    } catch (IOException e) {
      throw new AgentCliException(ErrorCode.INPUT_INVALID, "cannot read the event: " + e);
    }
    Optional<String> bash = call.bashCommand();
    if (bash.isEmpty()) {
      return HookAnswer.none();
    }
    String command = bash.get();
    BashJudgement judgement =
        BashJudgement.of(command, services.rules(), Path.of(call.cwd()), ctx.env());
    HookAnswer answer;
    if (judgement instanceof BashJudgement.Denied d) {
      answer = HookAnswer.deny(d.reason());
    } else if (judgement instanceof BashJudgement.Gated g) {
      answer = gated(services, call, command, g, start, waitingOn);
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

  private HookAnswer gated(
      Services services,
      PreToolUse call,
      String command,
      BashJudgement.Gated gated,
      long start,
      AtomicReference<String> waitingOn) {
    RunCommand.AdHocRun run =
        RunCommand.bind(
            services, ctx, Path.of(call.cwd()), Optional.of(command), List.of(), shellProgram);
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
    String id = filed.request().requestId();
    waitingOn.set(id);
    Duration left = deadline.minus(Duration.ofNanos(System.nanoTime() - start)).minus(MARGIN);
    // Nobody is told of the request (no notification target wants it): no silent stall until the
    // deadline. A few seconds for a person already watching, then the user hears what to do.
    boolean reached = services.requestsReachSomeone();
    if (!reached && left.compareTo(UNANNOUNCED_WAIT) > 0) {
      left = UNANNOUNCED_WAIT;
    }
    RequestService.State state;
    try {
      state = services.waiting().until(id, left.isNegative() ? Duration.ZERO : left);
    } catch (AgentCliException e) {
      if (e.code() == ErrorCode.APPROVAL_TIMED_OUT) {
        return HookAnswer.deny(reached ? undecided(id) : unannounced(id, call.description()));
      }
      throw e;
    }
    if (state.status() != RequestStatus.APPROVED) {
      return HookAnswer.deny(
          Waiting.refusal(state).getMessage() + ". Nothing ran; do not retry it in another form.");
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
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** The answer when nobody was told of the request: words for the user, through the model. */
  private static String unannounced(String requestId, String description) {
    return "This command needs the user's approval"
        + (description == null || description.isBlank() ? "" : " (" + description + ")")
        + ", and no notification is set up to tell anyone. Tell the user: \"run `agentcli requests"
        + " show "
        + requestId
        + "` in a terminal to see exactly what would run, then `agentcli approve "
        + requestId
        + " --by <you>` (or `agentcli deny "
        + requestId
        + " --by <you> --reason '...'`)\", and retry the same command once they have approved it."
        + " Nothing ran.";
  }

  private String undecided(String requestId) {
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
