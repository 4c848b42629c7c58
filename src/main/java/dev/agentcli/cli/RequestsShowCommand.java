package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.RequestText;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.request.RequestService;
import java.util.LinkedHashMap;
import java.util.Map;

final class RequestsShowCommand extends BaseCommand {
  String requestId;

  @Override
  void declare(Definition d) {
    d.text(
        "Everything about one request: exactly what will run (program and its digest, every"
            + " argument, the working directory, every environment variable with its value, stdin,"
            + " the bound files), who asked and why, its deadline and what was decided.");
    d.positional(String.class, "0")
        .label("<request-id>")
        .text("The request, as request printed it (a unique prefix is enough).")
        .to(v -> requestId = v);
  }

  RequestsShowCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    RequestService requests = services.requests();
    RequestService.State state = requests.state(requests.resolve(requestId));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("request", Views.request(state));
    print(result, out -> RequestText.print(out, state));
    return 0;
  }
}
