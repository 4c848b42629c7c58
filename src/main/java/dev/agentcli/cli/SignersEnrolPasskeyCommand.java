package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.PasskeyEnrolments;
import dev.agentcli.app.Services;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.serve.HookServer;
import dev.agentcli.serve.Running;
import dev.agentcli.signing.AllowedPasskeys;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

final class SignersEnrolPasskeyCommand extends BaseCommand {
  String principal;
  String origin;
  boolean verifyRequired;
  Duration ttl;

  @Override
  void declare(Definition d) {
    d.text(
        "Make a one-time link that enrols a passkey (a phone, a laptop's fingerprint reader, a"
            + " security key) to approve as <principal> in agentcli serve's web inbox.",
        "Whoever opens the link in a browser and creates the passkey adds it to allowed_passkeys"
            + " (beside allowed_signers) for <principal>: give it to that person only. The link"
            + " works once, until --ttl.");
    d.positional(String.class, "0")
        .label("<principal>")
        .text("The approver the passkey signs as, as in approve --by.")
        .to(v -> principal = v);
    d.option(String.class, "--origin")
        .label("<url>")
        .text(
            "Where the inbox is reached, scheme, host and port (default: http://localhost and the"
                + " running serve's port, else "
                + HookServer.DEFAULT_PORT
                + "); behind a TLS proxy, its https:// address. A passkey works at its origin only.")
        .to(v -> origin = v);
    d.flag("--verify-required")
        .text("Count only what the passkey signs with its user verified (a PIN or biometric).")
        .to(v -> verifyRequired = v);
    d.option(Duration.class, "--ttl")
        .label("<duration>")
        .converter(new DurationConverter())
        .defaultValue("15m")
        .text("How long the link works (default ${DEFAULT-VALUE}, at most 24h).")
        .to(v -> ttl = v);
  }

  SignersEnrolPasskeyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (!principal.matches("[^\\s,\"!*?]{1,200}")) {
      throw BadOption.of(
          "<principal>", principal, "1 to 200 characters without spaces, commas, quotes or ! * ?");
    }
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofHours(24)) > 0) {
      throw BadOption.of("--ttl", ttl, "it must be more than 0 and at most 24h");
    }
    String at = origin;
    if (at == null) {
      at =
          Running.read(Running.file(services.settings().home()))
              .map(r -> "http://localhost:" + r.url().substring(r.url().lastIndexOf(':') + 1))
              .orElse("http://localhost:" + HookServer.DEFAULT_PORT);
    }
    if (!AllowedPasskeys.validOrigin(at)) {
      throw BadOption.of("--origin", at, "it must be http(s)://host[:port], nothing after");
    }
    Instant expires = ctx.clock().instant().plus(ttl);
    String token =
        services
            .trust()
            .passkeyEnrolments()
            .create(
                new PasskeyEnrolments.Ticket(principal, at, verifyRequired, expires), ctx.random());
    String link = at + "/inbox/enrol/" + token;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("principal", principal);
    result.put("link", link);
    result.put("expires_at", Timestamps.format(expires));
    result.put("allowed_passkeys", services.trust().allowedPasskeys().path().toString());
    print(
        result,
        out -> {
          out.println("Open this link once, as " + principal + ", to create the passkey:");
          out.println("  " + link);
          out.println(
              "It works until "
                  + Timestamps.format(expires)
                  + " and adds the passkey to "
                  + services.trust().allowedPasskeys().path()
                  + " (agentcli serve must be running there).");
        });
    return 0;
  }
}
