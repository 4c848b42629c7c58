package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.RequestId;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.RequestStatus;
import dev.agentcli.request.Waiting;
import java.util.LinkedHashMap;
import java.util.Map;

final class RequestCommand extends BaseCommand {
  final TaskArguments target = new TaskArguments();
  final Asking asking = new Asking();

  @Override
  void declare(Definition d) {
    d.text(
        "Ask for one run of a task: files a request bound to the task exactly as it would run here,"
            + " in this environment (or joins the pending request of the same binding), and prints"
            + " its request_id.",
        "People see it with requests show and decide it with approve <request-id> or deny; an"
            + " undecided request expires after the task's approval.request_timeout_s (default"
            + " 1800) and counts as denied.");
    target.define(d);
    asking.define(d);
  }

  RequestCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    TaskArguments.Resolved resolved = target.resolve(services, ctx);
    RequestService.Filed filed = file(services, resolved, asking, ctx);
    RequestId id = filed.request().requestId();
    RequestService.State state =
        asking.wait == null
            ? services.requests().state(id)
            : services.waiting().until(id, asking.wait);
    if (state.status().settled() && state.status() != RequestStatus.APPROVED) {
      throw Waiting.refusal(state).exception();
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("request_id", id.value());
    result.put("status", state.status().id());
    result.put("joined", filed.joined());
    result.put("request", Views.request(state));
    print(
        result,
        out ->
            out.println(
                "Request "
                    + id
                    + " for "
                    + resolved.task().qualifiedId()
                    + " is "
                    + state.status().id()
                    + (filed.joined() ? " (the pending request of this binding)" : "")
                    + (state.status() == RequestStatus.PENDING
                        ? "; a person decides it: agentcli requests show " + id
                        : "")));
    return 0;
  }

  /** Files (or joins) the request for the task as it is bound here. */
  static RequestService.Filed file(
      Services services, TaskArguments.Resolved resolved, Asking asking, Context ctx) {
    return GatedRun.file(
        services, resolved.task(), resolved.binding(), asking.reason, asking.requester(ctx));
  }
}
