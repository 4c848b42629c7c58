package dev.agentcli.serve;

import static dev.agentcli.serve.Web.error;
import static dev.agentcli.serve.Web.json;

import com.sun.net.httpserver.HttpExchange;
import dev.agentcli.app.Services;
import dev.agentcli.approval.Expiry;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.SignerChoice;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.request.RequestService;
import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.PasskeySignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web inbox ({@code /inbox}): a person signs in with a passkey, sees the pending requests they
 * may decide, newest first, each as {@code requests show} shows it, and approves or denies it with
 * a passkey signature over exactly what a grant or denial records (the WebAuthn challenge is the
 * SHA-256 of its payload, see {@link PasskeySignature}). The decision goes through the same use
 * case as {@code approve} and {@code deny}: scope, quorum, no self-approval and the audit trail
 * hold unchanged; only the signature is the passkey's.
 *
 * <p>Pages are rendered here and work without JavaScript but for the WebAuthn calls (one script,
 * {@code inbox.js}). Every response forbids inline script and framing (CSP), the session cookie is
 * HttpOnly and SameSite=Strict, and every POST must come from the inbox's own origin and, once
 * signed in, carry the session's CSRF token.
 */
final class Inbox {
  private static final Pattern REQUEST = Pattern.compile("/inbox/requests/([0-9a-f]{8,64})(/.*)?");
  private static final Pattern ENROL = Pattern.compile("/inbox/enrol/([A-Za-z0-9_-]{43})(/.*)?");
  private static final String COOKIE = "agentcli_inbox";
  private static final Duration SESSION = Duration.ofHours(8);

  private record Session(String principal, String csrf, Instant expires) {}

  private final Supplier<Services> services;
  private final String origin;
  private final Clock clock;
  private final ExecutorService workers;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Ceremony.Registry ceremonies;
  private final Enrolment enrolment;

  Inbox(Supplier<Services> services, String origin, Clock clock, ExecutorService workers) {
    this.services = services;
    this.origin = origin;
    this.clock = clock;
    this.workers = workers;
    this.ceremonies = new Ceremony.Registry(clock);
    this.enrolment = new Enrolment(services, origin, clock, ceremonies);
  }

  void handle(HttpExchange ex) throws IOException {
    try {
      route(ex);
    } catch (Web.BadBody e) {
      json(ex, e.status, error(e.getMessage()));
    }
  }

  private void route(HttpExchange ex) throws IOException, Web.BadBody {
    String path = ex.getRequestURI().getPath();
    boolean post = ex.getRequestMethod().equals("POST");
    if (post && !origin.equals(ex.getRequestHeaders().getFirst("Origin"))) {
      json(ex, 403, error("this inbox takes posts from " + origin + " only"));
      return;
    }
    if (path.equals("/inbox/static/inbox.js") || path.equals("/inbox/static/inbox.css")) {
      InboxPages.resource(ex, path.substring(path.lastIndexOf('/') + 1));
      return;
    }
    Matcher enrol = ENROL.matcher(path);
    if (enrol.matches()) {
      enrolment.handle(ex, enrol.group(1), enrol.group(2), post);
      return;
    }
    if (path.equals("/inbox/login/begin") && post) {
      loginBegin(ex);
      return;
    }
    if (path.equals("/inbox/login/finish") && post) {
      loginFinish(ex);
      return;
    }
    Optional<Session> session = session(ex);
    if (session.isEmpty()) {
      if (post) {
        json(ex, 401, error("sign in first"));
      } else {
        InboxPages.html(ex, 200, InboxPages.login());
      }
      return;
    }
    Session s = session.get();
    if (post && !s.csrf().equals(ex.getRequestHeaders().getFirst("X-CSRF-Token"))) {
      json(ex, 403, error("the form is stale: reload the page"));
      return;
    }
    Matcher request = REQUEST.matcher(path);
    if ((path.equals("/inbox") || path.equals("/inbox/")) && !post) {
      try (Services sv = services.get()) {
        List<RequestService.State> pending = sv.requests().decidableBy(s.principal());
        List<RequestService.State> newestFirst = new ArrayList<>(pending);
        Collections.reverse(newestFirst);
        InboxPages.html(ex, 200, InboxPages.list(s.principal(), s.csrf(), newestFirst));
      }
    } else if (request.matches() && request.group(2) == null && !post) {
      try (Services sv = services.get()) {
        RequestService.State state = sv.requests().state(new RequestId(request.group(1)));
        InboxPages.html(ex, 200, InboxPages.request(s.principal(), s.csrf(), state));
      } catch (AgentCliException e) {
        InboxPages.html(ex, 404, InboxPages.message("No such request", e.getMessage()));
      }
    } else if (request.matches() && post && request.group(2).endsWith("/begin")) {
      decisionBegin(ex, s, new RequestId(request.group(1)), request.group(2));
    } else if (request.matches() && post && request.group(2).endsWith("/finish")) {
      finish(ex, s, Web.body(ex));
    } else if (request.matches() && post) {
      InboxPages.html(
          ex,
          200,
          InboxPages.message(
              "JavaScript is needed here",
              "A decision is signed by your passkey, which a page reaches through JavaScript."));
    } else {
      InboxPages.html(ex, 404, InboxPages.message("Not found", path));
    }
  }

  private void loginBegin(HttpExchange ex) throws IOException, Web.BadBody {
    Map<String, Object> body = Web.body(ex);
    String principal = String.valueOf(body.get("principal"));
    List<AllowedPasskeys.Passkey> keys;
    try (Services sv = services.get()) {
      keys = sv.trust().allowedPasskeys().of(principal);
    }
    if (keys.isEmpty()) {
      json(ex, 200, error("no passkey is enrolled for '" + principal + "'"));
      return;
    }
    byte[] message = Web.token().getBytes(StandardCharsets.US_ASCII);
    Ceremony c =
        new Ceremony(
            Ceremony.Kind.SIGN_IN, principal, message, clock.instant().plus(Ceremony.LIFETIME));
    json(ex, 200, c.options(ceremonies.open(c), origin, keys, false));
  }

  private void loginFinish(HttpExchange ex) throws IOException, Web.BadBody {
    Map<String, Object> body = Web.body(ex);
    Ceremony c = ceremonies.take(body.get("ticket"), Ceremony.Kind.SIGN_IN, null).orElse(null);
    if (c == null) {
      json(ex, 200, error("the sign-in took too long or was already used: try again"));
      return;
    }
    Optional<String> refusal;
    try (Services sv = services.get()) {
      refusal =
          PasskeySignature.of(body)
              .refusal(c.message, c.principal, sv.trust().allowedPasskeys(), false);
    } catch (RuntimeException e) {
      refusal = Optional.of("the passkey's answer cannot be read");
    }
    if (refusal.isPresent()) {
      json(ex, 200, error(refusal.get()));
      return;
    }
    sessions.values().removeIf(s -> Expiry.passed(s.expires(), clock.instant()));
    String token = Web.token();
    sessions.put(token, new Session(c.principal, Web.token(), clock.instant().plus(SESSION)));
    ex.getResponseHeaders()
        .add(
            "Set-Cookie",
            COOKIE
                + "="
                + token
                + "; Path=/inbox; HttpOnly; SameSite=Strict"
                + (origin.startsWith("https:") ? "; Secure" : ""));
    json(ex, 200, Map.of("ok", true));
  }

  /**
   * Starts a decision: the use case runs on a worker until it asks for the signature, whose
   * challenge goes back to the browser; {@link #finish} hands it the passkey's answer.
   */
  private void decisionBegin(HttpExchange ex, Session s, RequestId requestId, String action)
      throws IOException, Web.BadBody {
    Map<String, Object> body = Web.body(ex);
    boolean approve = action.equals("/approve/begin");
    if (!approve && !action.equals("/deny/begin")) {
      json(ex, 404, error("no such decision"));
      return;
    }
    Ceremony c =
        new Ceremony(
            Ceremony.Kind.DECISION, s.principal(), null, clock.instant().plus(Ceremony.LIFETIME));
    String ticket = ceremonies.open(c);
    Runnable decide =
        () -> {
          try (Services sv = services.get()) {
            sv.signingWith(c.signer());
            RequestService requests = sv.requests();
            if (approve) {
              int uses = number(body.get("uses"), 1);
              int minutes = number(body.get("minutes"), 0);
              Grant g =
                  requests.approve(
                      requestId,
                      s.principal(),
                      Optional.empty(),
                      minutes > 0 ? Optional.of(Duration.ofMinutes(minutes)) : Optional.empty(),
                      null,
                      SignerChoice.SSH,
                      Optional.empty(),
                      uses);
              c.outcome.complete(
                  "Approved request "
                      + requestId
                      + " as "
                      + s.principal()
                      + ": grant "
                      + g.approvalId());
            } else {
              requests.deny(
                  requestId, s.principal(), String.valueOf(body.get("reason")), Optional.empty());
              c.outcome.complete("Denied request " + requestId + " as " + s.principal());
            }
          } catch (RuntimeException e) {
            c.challenge.completeExceptionally(e);
            c.outcome.completeExceptionally(e);
          }
        };
    try {
      workers.execute(decide);
    } catch (RejectedExecutionException busy) {
      ceremonies.cancel(ticket);
      json(ex, 503, error("the inbox is busy: try again in a moment"));
      return;
    }
    try {
      c.challenge.get(20, TimeUnit.SECONDS);
      boolean uv = riskNeedsVerification(requestId);
      try (Services sv = services.get()) {
        json(
            ex, 200, c.options(ticket, origin, sv.trust().allowedPasskeys().of(s.principal()), uv));
      }
    } catch (ExecutionException e) {
      ceremonies.cancel(ticket);
      json(ex, 200, error(e.getCause()));
    } catch (TimeoutException | InterruptedException e) {
      ceremonies.cancel(ticket);
      json(ex, 200, error("agentcli did not get the decision ready in time: try again"));
    }
  }

  private boolean riskNeedsVerification(RequestId requestId) {
    try (Services sv = services.get()) {
      Object risk = sv.requests().state(requestId).request().command().get("risk_level");
      return risk != null && sv.trust().passkeyMustVerify(String.valueOf(risk));
    }
  }

  private void finish(HttpExchange ex, Session s, Map<String, Object> body) throws IOException {
    Ceremony c =
        ceremonies.take(body.get("ticket"), Ceremony.Kind.DECISION, s.principal()).orElse(null);
    if (c == null) {
      json(ex, 200, error("the decision took too long or was already made: reload and try again"));
      return;
    }
    try {
      c.assertion.complete(PasskeySignature.of(body));
    } catch (RuntimeException e) {
      c.assertion.completeExceptionally(e);
    }
    try {
      json(ex, 200, Map.of("ok", true, "message", c.outcome.get(30, TimeUnit.SECONDS)));
    } catch (ExecutionException e) {
      json(ex, 200, error(e.getCause()));
    } catch (TimeoutException | InterruptedException e) {
      json(ex, 200, error("the decision did not finish in time: look at the request again"));
    }
  }

  private Optional<Session> session(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String cookie : header.split(";")) {
        String[] kv = cookie.strip().split("=", 2);
        if (kv.length == 2 && kv[0].equals(COOKIE)) {
          Session s = sessions.get(kv[1]);
          if (s != null && !Expiry.passed(s.expires(), clock.instant())) {
            return Optional.of(s);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static int number(Object value, int otherwise) {
    try {
      return value == null || String.valueOf(value).isBlank()
          ? otherwise
          : Integer.parseInt(String.valueOf(value).strip());
    } catch (NumberFormatException e) {
      return -1; // refused by the use case with its own words
    }
  }
}
