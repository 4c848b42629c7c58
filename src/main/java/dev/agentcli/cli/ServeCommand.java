package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.serve.HookServer;
import dev.agentcli.serve.Running;
import dev.agentcli.serve.TokenFile;
import dev.agentcli.signing.AllowedPasskeys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

final class ServeCommand extends BaseCommand {
  int port;
  String tokenFile;
  Duration deadline;
  String shellProgram;
  int concurrent;
  String origin;
  String socket;

  @Override
  void declare(Definition d) {
    d.text(
        "A resident agentcli that answers the Claude Code hook over HTTP on loopback, in"
            + " milliseconds instead of a JVM per tool call: POST "
            + HookServer.HOOK_PATH
            + " takes the PreToolUse event and answers as agentcli hook claude-code does; GET "
            + HookServer.HEALTH_PATH
            + " says it is up; GET /v1/events streams what agentcli watch prints, as"
            + " Server-Sent Events (?since=<event id>, ?type=<event type>, Last-Event-ID resumes).",
        "Every request needs the header Authorization: Bearer <token>, the token from --token-file"
            + " (made, 0600, when missing), and a Host of 127.0.0.1, localhost or [::1] with the"
            + " port. It fails closed: an event it cannot read, an error, no decision by --deadline"
            + " and more than --concurrent calls at once are each a deny. It runs until SIGTERM or"
            + " Ctrl-C, recorded in serve.json in the home folder meanwhile; hook install"
            + " claude-code then writes the settings that use it.");
    d.option(Integer.class, "--port")
        .label("<port>")
        .defaultValue(String.valueOf(HookServer.DEFAULT_PORT))
        .text("The loopback TCP port (default ${DEFAULT-VALUE}; 0 for any free one).")
        .to(v -> port = v);
    d.option(String.class, "--token-file")
        .label("<file>")
        .text("The bearer token's file (default: serve.token in the home folder).")
        .to(v -> tokenFile = v);
    HookClaudeCodeCommand.hookOptions(
        d, "a call arrived", v -> deadline = v, v -> shellProgram = v);
    d.option(Integer.class, "--concurrent")
        .label("<n>")
        .defaultValue("8")
        .text(
            "How many calls are decided at once; more are denied as busy (default ${DEFAULT-VALUE}).")
        .to(v -> concurrent = v);
    d.option(String.class, "--origin")
        .label("<url>")
        .text(
            "Where people reach the web inbox (/inbox), when not at http://localhost:<port>: the"
                + " https:// address of the TLS reverse proxy in front of it. Passkeys work at the"
                + " origin they were enrolled for.")
        .to(v -> origin = v);
    d.option(String.class, "--socket")
        .label("<path>")
        .text(
            "Answer the hook and the health check on this Unix socket too, without a token: only"
                + " its owner can connect (it is made 0600, in a folder closed to others), e.g."
                + " curl --unix-socket <path> http://localhost/v1/health.")
        .to(v -> socket = v);
  }

  ServeCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (port < 0 || port > 65535) {
      throw BadOption.of("--port", port, "it must be a TCP port, 0 to 65535");
    }
    if (concurrent < 1 || concurrent > 256) {
      throw BadOption.of("--concurrent", concurrent, "it must be from 1 to 256");
    }
    if (origin != null && !AllowedPasskeys.validOrigin(origin)) {
      throw BadOption.of("--origin", origin, "it must be http(s)://host[:port], nothing after");
    }
    Path token =
        tokenFile == null
            ? services.settings().home().resolve("serve.token")
            : ctx.cwd().resolve(tokenFile);
    HookServer server;
    try {
      server =
          new HookServer(
              ctx,
              global.flags(),
              new HookServer.Config(
                  port,
                  TokenFile.readOrCreate(token),
                  deadline,
                  shellProgram,
                  concurrent,
                  origin,
                  socket == null ? null : ctx.cwd().resolve(socket)));
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "cannot listen on 127.0.0.1:"
              + port
              + (socket == null ? "" : " or " + socket)
              + ": "
              + e.getMessage(),
          Map.of("port", port));
    }
    server.start();
    Running running =
        new Running(
            "http://127.0.0.1:" + server.port(),
            ProcessHandle.current().pid(),
            token,
            server.origin() + "/inbox");
    Path record = Running.file(services.settings().home());
    try {
      running.write(record);
    } catch (IOException e) {
      server.close();
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "cannot record the server in " + record + ": " + e.getMessage(),
          Map.of("path", record.toString()));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  running.forget(record);
                  stopped.countDown();
                },
                "agentcli-serve-stop"));
    Map<String, Object> started = new LinkedHashMap<>();
    started.put("ok", true);
    started.put("url", running.url());
    started.put("hook_url", running.url() + HookServer.HOOK_PATH);
    started.put("token_file", token.toString());
    started.put("inbox", server.origin() + "/inbox");
    if (socket != null) {
      started.put("socket", ctx.cwd().resolve(socket).toString());
    }
    started.put("pid", ProcessHandle.current().pid());
    print(started, out -> Output.text(out, started));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
