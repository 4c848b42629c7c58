package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.request.RequestService;
import java.util.LinkedHashMap;
import java.util.Map;

final class RequestsCancelCommand extends BaseCommand {
  String requestId;
  final Asking asking = new Asking();

  @Override
  void declare(Definition d) {
    d.text(
        "Withdraw a request you made, before anyone decided it: nothing runs on it, and an agent"
            + " waiting on it is refused (request_cancelled).");
    d.positional(String.class, "0")
        .label("<request-id>")
        .text("The request (a unique prefix of its id is enough).")
        .to(v -> requestId = v);
    asking.define(d);
  }

  RequestsCancelCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    RequestService requests = services.requests();
    RequestService.State state =
        requests.cancel(requests.resolve(requestId), asking.requester(ctx).principal());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("request", Views.request(state));
    print(result, out -> out.println("Withdrew request " + state.request().requestId()));
    return 0;
  }
}
