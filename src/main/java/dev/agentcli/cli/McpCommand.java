package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.mcp.McpServer;
import dev.agentcli.mcp.McpTools;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

final class McpCommand extends BaseCommand {
  List<String> manifests;
  Duration wait;
  String requester;

  @Override
  void declare(Definition d) {
    d.text(
        "A Model Context Protocol server on stdio (protocol versions "
            + "2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05): each task of the manifests is a"
            + " tool, run through the gate as exec would, and agentcli_request_status looks at a"
            + " request.",
        "A gated tool's call files a request (or joins the pending one) and waits for the decision"
            + " up to its wait_s (at most --wait); a denial, an expiry or no decision in time is a"
            + " result with isError and the request_id. Stdout carries only protocol messages.");
    d.positionals("0..*")
        .arity("1..*")
        .label("<manifest>")
        .text("The manifests whose tasks are offered (as exec names them).")
        .to(v -> manifests = v);
    d.option(Duration.class, "--wait")
        .label("<duration>")
        .defaultValue("50s")
        .converter(new DurationConverter())
        .text(
            "The longest a call waits for a person's decision (default ${DEFAULT-VALUE}: MCP"
                + " clients often give up on a request after 60 s).")
        .to(v -> wait = v);
    d.option(String.class, "--requester")
        .label("<label>")
        .defaultValue("mcp")
        .text("Who the requests say is asking (default ${DEFAULT-VALUE}); it may not approve them.")
        .to(v -> requester = v);
  }

  McpCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    for (String m : manifests) {
      services.manifests().load(m); // a manifest that cannot be read stops the server now
    }
    McpServer server =
        new McpServer(
            new McpTools(ctx, global.flags(), manifests, wait, requester),
            ctx.stdin(),
            out(),
            err(),
            new AgentCli.Version().getVersion()[0].replace("agentcli ", ""),
            "Each tool runs one task of the manifests through agentcli's approval gate. A gated"
                + " task runs only after a person approves it; a call that gets isError with a"
                + " request_id is waiting for that person: call the task again later, or look at"
                + " the request with agentcli_request_status. Never try to run a gated task by"
                + " other means.");
    try {
      server.serve();
    } catch (IOException e) {
      throw new AgentCliException(ErrorCode.INTERNAL_ERROR, "stdin failed: " + e.getMessage());
    }
    return 0;
  }
}
