package dev.agentcli.cli;

import dev.agentcli.request.RequestService;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "cancel",
    description =
        "Withdraw a request you made, before anyone decided it: nothing runs on it, and an agent"
            + " waiting on it is refused (request_cancelled).")
final class RequestsCancelCommand extends BaseCommand {
  @Parameters(
      paramLabel = "<request-id>",
      description = "The request (a unique prefix of its id is enough).")
  String requestId;

  @Mixin Asking asking;

  RequestsCancelCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    RequestService requests = workspace.requests();
    RequestService.State state =
        requests.cancel(requests.resolve(requestId), asking.requester(ctx).principal());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("request", Views.request(state));
    print(result, out -> out.println("Withdrew request " + state.request().requestId()));
    return 0;
  }
}
