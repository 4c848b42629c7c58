package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.RequestText;
import dev.agentcli.app.SafeText;
import dev.agentcli.app.Services;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.SignerChoice;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.request.RequestService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

final class ReviewCommand extends BaseCommand {
  String by;
  final SigningKey signingKey = new SigningKey();

  @Override
  void declare(Definition d) {
    d.text(
        "A person's inbox, in a terminal: each pending request you may decide, oldest first, shown as"
            + " requests show shows it, then approve, deny (with a reason) or skip; each decision is"
            + " signed with your SSH key.",
        "Without a terminal it refuses: use requests list, approve and deny instead.");
    d.option(String.class, "--by")
        .label("<principal>")
        .required()
        .text("Who you are (checked against each task's approver_scope).")
        .to(v -> by = v);
    signingKey.define(d);
  }

  ReviewCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (!terminal()) {
      throw new AgentCliException(
          ErrorCode.TERMINAL_REQUIRED,
          "review asks questions and needs a terminal; without one, use: agentcli requests list"
              + " --status pending, then approve <request-id> or deny <request-id>",
          Map.of("hint", "agentcli requests list --status pending"));
    }
    RequestService requests = services.requests();
    PrintWriter out = out();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(ctx.stdin(), StandardCharsets.UTF_8));
    int approved = 0;
    int denied = 0;
    int skipped = 0;
    for (RequestService.State s : requests.decidableBy(by)) {
      RequestId id = s.request().requestId();
      RequestService.State now = requests.state(id);
      if (now.status().settled()) {
        continue; // decided by someone else meanwhile
      }
      out.println();
      RequestText.print(out, now);
      String answer = ask(in, out, "[a]pprove, [d]eny, [s]kip or [q]uit? ");
      answer = answer == null ? null : answer.toLowerCase(Locale.ROOT);
      if (answer == null || answer.startsWith("q")) {
        break;
      }
      try {
        if (answer.startsWith("a")) {
          requests.approve(
              id,
              by,
              services.approverOsUser(),
              Optional.empty(),
              null,
              SignerChoice.SSH,
              signingKey.find(ctx),
              1);
          out.println("approved " + id);
          approved++;
        } else if (answer.startsWith("d")) {
          String reason = ask(in, out, "reason: ");
          if (reason == null || reason.isBlank()) {
            out.println("a denial needs a reason; skipped " + id);
            skipped++;
            continue;
          }
          requests.deny(id, by, reason, signingKey.find(ctx));
          out.println("denied " + id);
          denied++;
        } else {
          skipped++;
        }
      } catch (AgentCliException e) {
        out.println("not decided (" + e.code().id() + "): " + SafeText.escape(e.getMessage()));
        skipped++;
      }
    }
    out.println();
    out.println(
        "reviewed: " + approved + " approved, " + denied + " denied, " + skipped + " skipped");
    out.flush();
    return 0;
  }

  private static String ask(BufferedReader in, PrintWriter out, String question) {
    out.print(question);
    out.flush();
    try {
      String line = in.readLine();
      return line == null ? null : line.strip();
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether stdin and stdout are terminals. */
  private boolean terminal() {
    return ctx.isTerminal(0) && ctx.isTerminal(1);
  }
}
