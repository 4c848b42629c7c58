package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.RequestId;
import dev.agentcli.request.Denial;
import dev.agentcli.request.RequestService;
import java.util.LinkedHashMap;
import java.util.Map;

final class DenyCommand extends BaseCommand {
  String requestId;
  String by;
  String reason;
  final SigningKey signingKey = new SigningKey();

  @Override
  void declare(Definition d) {
    d.text(
        "Deny a pending request, signed with your SSH key: the agent waiting on it is refused"
            + " (approval_denied) with your reason, and nothing runs.",
        "One denial by a person the task admits settles the request.");
    d.positional(String.class, "0")
        .label("<request-id>")
        .text("The request (a unique prefix of its id is enough).")
        .to(v -> requestId = v);
    d.option(String.class, "--by")
        .label("<principal>")
        .required()
        .text("Who denies (checked against the task's approver_scope).")
        .to(v -> by = v);
    d.option(String.class, "--reason")
        .label("<text>")
        .required()
        .text("Why: the waiting agent is told.")
        .to(v -> reason = v);
    signingKey.define(d);
  }

  DenyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    RequestService requests = services.requests();
    RequestId id = requests.resolve(requestId);
    Denial d = requests.deny(id, by, reason, signingKey.find(ctx));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("request", Views.request(requests.state(id)));
    print(
        result,
        out ->
            out.println(
                "Denied request "
                    + id
                    + " as "
                    + d.decider()
                    + " (key "
                    + d.signature().keyFingerprint()
                    + ")"));
    return 0;
  }
}
