package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.app.Settings;
import dev.agentcli.approval.RequestId;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.profile.Phases;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every command shares: the global options, the injected context, and the one place that turns
 * an {@link AgentCliException} into an error report and its exit status.
 */
abstract class BaseCommand implements Callable<Integer>, Definition.Defined {
  final GlobalOptions global = new GlobalOptions();
  CommandSpec spec;
  final Context ctx;

  BaseCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public final void define(Definition d) {
    spec = d.spec();
    global.define(d);
    declare(d);
  }

  /** The command's description, options and parameters (the global options are added). */
  abstract void declare(Definition d);

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
  abstract int run(Services services);

  @Override
  public final Integer call() {
    Phases.mark("parse");
    try (Services services = new Services(ctx, new Settings(ctx, global.flags()))) {
      try {
        global.resolveFormat(ctx);
        if (!sealed()) {
          services.refuseOverrides();
        }
        return run(services);
      } catch (AgentCliException e) {
        if (e.code() == ErrorCode.CONFIG_OVERRIDE_REFUSED) {
          services.auditRefusedOverride(spec.name(), e);
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

  /**
   * Tells a person what a waiting command waits for (in text mode), and on a terminal how long it
   * has waited, on one line rewritten every second until the decision.
   */
  GatedRun.Watcher waitingWatcher() {
    // Progress goes to stderr: for a person (text), or to a terminal's stderr even in JSON mode.
    boolean terminal = ctx.isTerminal(2);
    boolean shown = global.text() || terminal;
    return new GatedRun.Watcher() {
      private Thread ticker;
      private volatile String quorum = "";
      private int approved = -1;

      @Override
      public void askedAgain(String notice) {
        if (shown) {
          err().println("agentcli: " + notice);
          err().flush();
        }
      }

      @Override
      public void waiting(RequestId requestId) {
        if (!shown) {
          return;
        }
        err()
            .println(
                "agentcli: waiting for a decision on request "
                    + requestId
                    + " (agentcli requests show "
                    + requestId
                    + ")");
        err().flush();
        if (terminal) {
          long start = System.nanoTime();
          ticker =
              new Thread(
                  () -> {
                    try {
                      while (true) {
                        Thread.sleep(1000);
                        err()
                            .print(
                                "\ragentcli: waited "
                                    + (System.nanoTime() - start) / 1_000_000_000L
                                    + " s"
                                    + quorum);
                        err().flush();
                      }
                    } catch (InterruptedException decided) {
                      err().print("\r\033[K");
                      err().flush();
                    }
                  },
                  "waiting");
          ticker.setDaemon(true);
          ticker.start();
        }
      }

      @Override
      public void progress(List<String> approvers, int of) {
        if (!shown || of < 2 || approvers.size() == approved) {
          return;
        }
        approved = approvers.size();
        quorum =
            ", "
                + approvers.size()
                + " of "
                + of
                + " approvals"
                + (approvers.isEmpty() ? "" : " (" + String.join(", ", approvers) + ")");
        if (!terminal) {
          err().println("agentcli: " + quorum.substring(2) + " so far");
          err().flush();
        }
      }

      @Override
      public void decided() {
        if (ticker != null) {
          ticker.interrupt();
          try {
            ticker.join(1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
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

  /** {@code --timeout <ms>} as a limit: a usage error unless positive. */
  static Optional<Duration> timeout(Long ms) {
    if (ms != null && ms <= 0) {
      throw BadOption.of("--timeout", ms, "it must be a positive number of ms");
    }
    return Optional.ofNullable(ms).map(Duration::ofMillis);
  }
}
