package dev.agentcli.cli;

import dev.agentcli.app.Caller;
import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.request.Requester;
import java.time.Duration;
import java.util.Optional;

/** How an agent asks for a decision: why, as whom, and how long it waits for one. */
final class Asking implements Definition.Defined {
  String reason;
  String requester;
  Duration wait;

  @Override
  public void define(Definition d) {
    d.option(String.class, "--reason")
        .label("<text>")
        .text("Why the run is needed, shown to the people who decide.")
        .to(v -> reason = v);
    d.option(String.class, "--requester")
        .label("<label>")
        .text(
            "The agent or session asking (default: $AGENTCLI_REQUESTER, else the OS user); it may"
                + " not approve its own request.")
        .to(v -> requester = v);
    d.option(Duration.class, "--wait")
        .label("<duration>")
        .converter(new DurationConverter())
        .text(
            "Wait this long (90s, 15m, 2h) for the decision; undecided by then is a refusal"
                + " (approval_timed_out), never a run.")
        .to(v -> wait = v);
  }

  /** How to ask when a run needs a person: only when --wait was given. */
  Optional<GatedRun.Ask> ask(Context ctx, GatedRun.Watcher onWaiting) {
    return wait == null
        ? Optional.empty()
        : Optional.of(new GatedRun.Ask(reason, requester(ctx), wait, onWaiting));
  }

  /** Who is asking: the label, the OS user (the real one under sudo), the host, this process. */
  Requester requester(Context ctx) {
    return Caller.as(requester != null ? requester : ctx.env().get("AGENTCLI_REQUESTER"), ctx);
  }
}
