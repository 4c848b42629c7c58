package dev.agentcli.serve;

import static dev.agentcli.serve.Web.error;
import static dev.agentcli.serve.Web.json;

import com.sun.net.httpserver.HttpExchange;
import dev.agentcli.app.PasskeyEnrolments;
import dev.agentcli.app.Services;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.signing.PasskeySignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /inbox/enrol/<token>}: the page of a one-time enrolment link ({@code signers
 * enrol-passkey}), where the person creates a passkey; the browser's attestation is checked
 * (challenge, origin, presence) and the credential added to {@code allowed_passkeys} for the link's
 * principal, once.
 */
final class Enrolment {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final Supplier<Services> services;
  private final String origin;
  private final Clock clock;
  private final Ceremony.Registry ceremonies;
  private final SecureRandom random = new SecureRandom();

  Enrolment(Supplier<Services> services, String origin, Clock clock, Ceremony.Registry ceremonies) {
    this.services = services;
    this.origin = origin;
    this.clock = clock;
    this.ceremonies = ceremonies;
  }

  void handle(HttpExchange ex, String token, String action, boolean post)
      throws IOException, Web.BadBody {
    PasskeyEnrolments enrolments;
    try (Services sv = services.get()) {
      enrolments = sv.trust().passkeyEnrolments();
    }
    Optional<PasskeyEnrolments.Ticket> ticket = enrolments.find(token, clock.instant());
    if (ticket.isEmpty() || !ticket.get().origin().equals(origin)) {
      if (post) {
        json(ex, 200, error("this enrolment link is used up, expired or for another address"));
      } else {
        InboxPages.html(
            ex,
            404,
            InboxPages.message(
                "This link does not work",
                "It was used already, it expired, or it was made for another address. Ask for a"
                    + " new one: agentcli signers enrol-passkey <you>."));
      }
      return;
    }
    String principal = ticket.get().principal();
    if (!post) {
      InboxPages.html(ex, 200, InboxPages.enrol(token, principal));
    } else if ("/begin".equals(action)) {
      byte[] challenge = new byte[32];
      random.nextBytes(challenge);
      // The challenge itself, not a digest: a new credential signs nothing of agentcli's yet.
      Ceremony c =
          new Ceremony(
              Ceremony.Kind.ENROLMENT,
              principal,
              challenge,
              clock.instant().plus(Ceremony.LIFETIME));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", true);
      m.put("ticket", ceremonies.open(c));
      m.put("challenge", B64.encodeToString(challenge));
      m.put("rpId", URI.create(origin).getHost());
      m.put("userId", B64.encodeToString(principal.getBytes(StandardCharsets.UTF_8)));
      m.put("userName", principal);
      json(ex, 200, m);
    } else if ("/finish".equals(action)) {
      Map<String, Object> body = Web.body(ex);
      Optional<Ceremony> c =
          ceremonies.take(body.get("ticket"), Ceremony.Kind.ENROLMENT, principal);
      if (c.isEmpty()) {
        json(ex, 200, error("the enrolment took too long: reload the page and try again"));
        return;
      }
      try {
        Base64.Decoder d = Base64.getUrlDecoder();
        byte[][] made =
            PasskeySignature.enrolled(
                d.decode(String.valueOf(body.get("attestationObject"))),
                d.decode(String.valueOf(body.get("clientDataJSON"))),
                origin,
                c.get().message);
        if (!enrolments.use(token)) {
          json(ex, 200, error("this enrolment link was used meanwhile"));
          return;
        }
        try (Services sv = services.get()) {
          sv.trustStore()
              .enrolPasskey(principal, made[0], made[1], origin, ticket.get().verifyRequired());
        }
        json(ex, 200, Map.of("ok", true, "message", "Your passkey now approves as " + principal));
      } catch (IllegalArgumentException | AgentCliException e) {
        json(ex, 200, error(e.getMessage()));
      }
    } else {
      json(ex, 404, error("no such step"));
    }
  }
}
