package dev.agentcli.cli;

import dev.agentcli.app.AdHocRun;
import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.Refusal;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.rules.Decision;
import dev.agentcli.rules.Ruling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class RunCommand extends BaseCommand {
  List<String> argv = new ArrayList<>();
  String shellLine;
  String shellProgram;
  final Asking asking = new Asking();
  boolean dryRun;
  Long timeoutMs;
  boolean passthrough;
  boolean quiet;

  @Override
  void declare(Definition d) {
    d.text(
        "Run a command that no manifest declares, through the gate: agentcli run [--wait D] --"
            + " <program> [<arg>...], or a whole shell line with --shell '<line>'.",
        "The command rules (the operator configuration's \"rules\", else <home>/rules.json) allow,"
            + " ask or deny it; without rules every command asks. A command that asks runs only by"
            + " consuming a grant bound to exactly it: the words (or the shell line), the working"
            + " directory, the resolved program and its digest, the environment. With --wait it"
            + " files a request and runs once a person approves.",
        "Exits with the command's own exit status; 124 when it timed out.");
    d.positionals("0..*")
        .label("<program> <arg>")
        .text("The program and its arguments (after --), run directly, never by a shell.")
        .to(v -> argv = v);
    d.option(String.class, "--shell")
        .label("<line>")
        .text(
            "A whole shell line, run with the shell of --shell-program (-c <line>); the grant binds"
                + " the exact line, and every command in it is judged by the rules.")
        .to(v -> shellLine = v);
    d.option(String.class, "--shell-program")
        .label("<program>")
        .defaultValue("sh")
        .text("The shell that runs --shell (default: ${DEFAULT-VALUE}, looked up on PATH).")
        .to(v -> shellProgram = v);
    asking.define(d);
    d.flag("--dry-run")
        .text("Show what the rules decide and the binding; run nothing, change nothing.")
        .to(v -> dryRun = v);
    d.option(Long.class, "--timeout")
        .label("<ms>")
        .text("Kill the command after this many ms.")
        .to(v -> timeoutMs = v);
    d.flag("--passthrough")
        .text(
            "The command reads this stdin and writes to this stdout and stderr live, as if run"
                + " directly; agentcli prints nothing but a refusal (one line on stderr). The result"
                + " goes to the audit trail. What the Claude Code hook's rewrite uses.")
        .to(v -> passthrough = v);
    d.flag("-q", "--quiet")
        .text(
            "Nothing on stdout but the command's own output, streamed; no summary (the exit status"
                + " is the command's, the result is in the audit trail).")
        .to(v -> quiet = v);
  }

  RunCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if ((shellLine == null) == argv.isEmpty()) {
      throw new AgentCliException(
          ErrorCode.USAGE_ERROR,
          shellLine == null
              ? "name the command to run: agentcli run -- <program> [<arg>...], or --shell '<line>'"
              : "give either --shell '<line>' or a program with its arguments, not both",
          Map.of("hint", "see: agentcli run --help"));
    }
    AdHocRun adHoc =
        AdHocRun.bind(services, ctx.cwd(), Optional.ofNullable(shellLine), argv, shellProgram);
    if (dryRun) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("ok", true);
      result.put("dry_run", true);
      result.put("ruling", ruling(adHoc.ruling()));
      result.put("task_id", adHoc.task().id());
      result.put("task_hash", adHoc.binding().taskHash().value());
      result.put("command", Views.command(adHoc.task(), adHoc.binding()));
      result.put("binding", Json.parseObject(adHoc.binding().json()));
      print(result, out -> Output.text(out, result));
      return 0;
    }
    TaskRunner.Mode mode =
        passthrough
            ? TaskRunner.Mode.PASSTHROUGH
            : global.text() || quiet ? TaskRunner.Mode.STREAM : TaskRunner.Mode.CAPTURE;
    Optional<Duration> timeout = timeout(timeoutMs);
    out().flush();
    err().flush();
    GatedRun.Outcome gated =
        GatedRun.run(
            services,
            adHoc.task(),
            adHoc.binding(),
            Optional.empty(),
            timeout,
            mode,
            ctx.stdout(),
            ctx.stderr(),
            asking.ask(ctx, waitingWatcher()));
    if (gated instanceof GatedRun.NotRun notRun) {
      throw explained(notRun.refusal(), adHoc.ruling());
    }
    GatedRun.Ran ran = (GatedRun.Ran) gated;
    Map<String, Object> result = GatedRun.result(services, ran);
    result.put("ruling", ruling(adHoc.ruling()));
    if (mode == TaskRunner.Mode.CAPTURE) {
      Output.json(out(), result);
    } else if (mode == TaskRunner.Mode.STREAM && !quiet) {
      err()
          .println(
              "agentcli: "
                  + (ran.outcome().result().timedOut()
                      ? "timed out"
                      : "exited " + ran.outcome().result().exitCode())
                  + " (execution "
                  + ran.outcome().executionId()
                  + ")");
      err().flush();
    }
    return ran.outcome().result().exitStatus();
  }

  static Map<String, Object> ruling(Ruling ruling) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("decision", ruling.decision().id());
    m.put("rule", ruling.rule());
    m.put("command", ruling.command());
    m.put("reason", ruling.reason());
    return m;
  }

  /** A refusal with the rule that decided it, and how to ask when a person can allow it. */
  private AgentCliException explained(Refusal e, Ruling ruling) {
    Map<String, Object> details = new LinkedHashMap<>(e.details());
    details.put("ruling", ruling(ruling));
    String message = e.message();
    if (ruling.decision() == Decision.DENY) {
      message =
          "the command rules deny "
              + ruling.command()
              + " (rule \""
              + ruling.rule()
              + "\")"
              + (ruling.reason() == null ? "" : ": " + ruling.reason());
    } else if (e.code() == ErrorCode.APPROVAL_REQUIRED) {
      details.put(
          "hint",
          "ask a person and wait: agentcli run --wait 15m --reason '<why>' ... (same command)");
    }
    return new AgentCliException(e.code(), message, details);
  }
}
