package dev.agentcli.cli;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command shares: the global options, the injected context, and the one place that turns
 * an {@link AgentCliException} into an error report and its exit status.
 */
abstract class BaseCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  final Context ctx;

  BaseCommand(Context ctx) {
    this.ctx = ctx;
  }

  /**
   * Whether the command ignores the caller's set-up and the operator's alike (the demo, on a
   * throw-away home of its own).
   */
  boolean sealed() {
    return false;
  }

  /** Told of every error the command ends with, before it is reported (the default: nothing). */
  void failed(AgentCliException e) {}

  /** Does the command's work and returns its exit status. */
  abstract int run(Workspace workspace);

  @Override
  public final Integer call() {
    try (Workspace workspace = new Workspace(ctx, global)) {
      try {
        if (!sealed()) {
          workspace.refuseOverrides();
        }
        return run(workspace);
      } catch (AgentCliException e) {
        if (e.code() == ErrorCode.CONFIG_OVERRIDE_REFUSED) {
          workspace.auditRefusedOverride(spec.name(), e);
        }
        throw e;
      }
    } catch (AgentCliException e) {
      return report(e);
    } catch (RuntimeException e) {
      return report(
          new AgentCliException(
              ErrorCode.INTERNAL_ERROR,
              "internal error: " + e,
              Map.of("exception", e.getClass().getName()),
              e));
    }
  }

  private int report(AgentCliException e) {
    failed(e);
    ErrorReport.print(err(), e, global.text());
    return e.code().exitStatus();
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Tells a person at a terminal (text mode) what a waiting command waits for. */
  void announceWaiting(String requestId) {
    if (global.text()) {
      err()
          .println(
              "agentcli: waiting for a decision on request "
                  + requestId
                  + " (agentcli requests show "
                  + requestId
                  + ")");
      err().flush();
    }
  }

  /** Prints {@code result} as JSON, or with {@code textForm} when text was asked for. */
  void print(Map<String, Object> result, Consumer<PrintWriter> textForm) {
    if (global.text()) {
      textForm.accept(out());
      out().flush();
    } else {
      Output.json(out(), result);
    }
  }
}
