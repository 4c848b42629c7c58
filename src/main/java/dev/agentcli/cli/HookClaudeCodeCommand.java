package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.approval.RequestId;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.hook.ClaudeCodeHook;
import dev.agentcli.hook.HookAnswer;
import dev.agentcli.hook.PreToolUse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

final class HookClaudeCodeCommand extends BaseCommand {

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
    hookOptions(d, "starting", v -> deadline = v, v -> shellProgram = v);
  }

  /**
   * The options every way of answering the hook takes (this command, agentcli serve): its deadline,
   * counted from {@code from}, and the shell an approved command runs with.
   */
  static void hookOptions(
      Definition d, String from, Consumer<Duration> deadline, Consumer<String> shellProgram) {
    d.option(Duration.class, "--deadline")
        .label("<duration>")
        .defaultValue("50s")
        .converter(new DurationConverter())
        .text(
            "Answer deny on its own this long after "
                + from
                + " (default ${DEFAULT-VALUE}); keep it below the hook's timeout in"
                + " settings.json, since a hook Claude Code times out lets the tool run.")
        .to(deadline);
    d.option(String.class, "--shell-program")
        .label("<program>")
        .defaultValue("bash")
        .text("The shell an approved command runs with (default ${DEFAULT-VALUE}).")
        .to(shellProgram);
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
    AtomicReference<RequestId> waitingOn = new AtomicReference<>();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(deadline.toMillis());
              } catch (InterruptedException answered) {
                return;
              }
              if (answer.give(
                  HookAnswer.deny(ClaudeCodeHook.undecided(waitingOn.get(), deadline)))) {
                // The main work may be stuck (a lock, a slow disk): the answer is out, stop here.
                Runtime.getRuntime().halt(0);
              }
            },
            "hook-deadline");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      answer.give(
          new ClaudeCodeHook(services, ctx, deadline, shellProgram, start, waitingOn)
              .decide(readEvent()));
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

  private PreToolUse readEvent() {
    try {
      return PreToolUse.parse(ctx.stdin().readNBytes(PreToolUse.MAX_BYTES + 1));
    } catch (IOException e) {
      throw new AgentCliException(ErrorCode.INPUT_INVALID, "cannot read the event: " + e);
    }
  }
}
