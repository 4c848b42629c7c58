package dev.agentcli.cli;

import dev.agentcli.request.Denial;
import dev.agentcli.request.RequestService;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "deny",
    description = {
      "Deny a pending request, signed with your SSH key: the agent waiting on it is refused"
          + " (approval_denied) with your reason, and nothing runs.",
      "One denial by a person the task admits settles the request."
    })
final class DenyCommand extends BaseCommand {
  @Parameters(
      paramLabel = "<request-id>",
      description = "The request (a unique prefix of its id is enough).")
  String requestId;

  @Option(
      names = "--by",
      required = true,
      paramLabel = "<principal>",
      description = "Who denies (checked against the task's approver_scope).")
  String by;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "<text>",
      description = "Why: the waiting agent is told.")
  String reason;

  @Mixin SigningKey signingKey;

  DenyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Workspace workspace) {
    RequestService requests = workspace.requests();
    String id = requests.resolve(requestId);
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
