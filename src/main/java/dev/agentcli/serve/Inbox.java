package dev.agentcli.serve;

import com.sun.net.httpserver.HttpExchange;
import dev.agentcli.app.PasskeyEnrolments;
import dev.agentcli.app.Services;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.approval.GrantSigner;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.approval.SignerChoice;
import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.request.RequestService;
import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.PasskeySignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern REQUEST = Pattern.compile("/inbox/requests/([0-9a-f]{8,64})(/.*)?");
  private static final Pattern ENROL = Pattern.compile("/inbox/enrol/([A-Za-z0-9_-]{43})(/.*)?");
  private static final String COOKIE = "agentcli_inbox";
  private static final Duration SESSION = Duration.ofHours(8);
  private static final Duration CEREMONY = Duration.ofMinutes(3);
  private static final int MAX_BODY = 64 * 1024;

  private record Session(String principal, String csrf, Instant expires) {}

  /** A WebAuthn ceremony under way: the challenge asked, the assertion answered, the outcome. */
  private static final class Ceremony {
    final String principal;
    final byte[] message;
    final Instant expires;
    final CompletableFuture<byte[]> challenge = new CompletableFuture<>();
    final CompletableFuture<PasskeySignature> assertion = new CompletableFuture<>();
    final CompletableFuture<String> outcome = new CompletableFuture<>();

    Ceremony(String principal, byte[] message, Instant expires) {
      this.principal = principal;
      this.message = message;
      this.expires = expires;
    }
  }

  private final Supplier<Services> services;
  private final String origin;
  private final Clock clock;
  private final ExecutorService workers;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Map<String, Ceremony> ceremonies = new ConcurrentHashMap<>();

  Inbox(Supplier<Services> services, String origin, Clock clock, ExecutorService workers) {
    this.services = services;
    this.origin = origin;
    this.clock = clock;
    this.workers = workers;
  }

  void handle(HttpExchange ex) throws IOException {
    try {
      route(ex);
    } catch (BadBody e) {
      json(ex, e.status, error(e.getMessage()));
    }
  }

  private void route(HttpExchange ex) throws IOException, BadBody {
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
      enrol(ex, enrol.group(1), enrol.group(2), post);
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
        List<RequestService.State> newestFirst = new java.util.ArrayList<>(pending);
        java.util.Collections.reverse(newestFirst);
        InboxPages.html(ex, 200, InboxPages.list(s.principal(), s.csrf(), newestFirst));
      }
    } else if (request.matches() && request.group(2) == null && !post) {
      try (Services sv = services.get()) {
        RequestService.State state = sv.requests().state(request.group(1));
        InboxPages.html(ex, 200, InboxPages.request(s.principal(), s.csrf(), state));
      } catch (AgentCliException e) {
        InboxPages.html(ex, 404, InboxPages.message("No such request", e.getMessage()));
      }
    } else if (request.matches() && post && request.group(2).endsWith("/begin")) {
      decisionBegin(ex, s, request.group(1), request.group(2));
    } else if (request.matches() && post && request.group(2).endsWith("/finish")) {
      finish(ex, s, body(ex));
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

  private void loginBegin(HttpExchange ex) throws IOException, BadBody {
    Map<String, Object> body = body(ex);
    String principal = String.valueOf(body.get("principal"));
    List<AllowedPasskeys.Passkey> keys;
    try (Services sv = services.get()) {
      keys = sv.allowedPasskeys().of(principal);
    }
    if (keys.isEmpty()) {
      json(ex, 200, error("no passkey is enrolled for '" + principal + "'"));
      return;
    }
    byte[] message = new byte[32];
    random.nextBytes(message);
    Ceremony c = new Ceremony(principal, message, clock.instant().plus(CEREMONY));
    c.challenge.complete(PasskeySignature.challenge(message));
    json(ex, 200, options(open(c), c, keys, false));
  }

  private void loginFinish(HttpExchange ex) throws IOException, BadBody {
    Map<String, Object> body = body(ex);
    Ceremony c = ceremonies.remove(String.valueOf(body.get("ticket")));
    if (c == null || c.message == null || c.expires.isBefore(clock.instant())) {
      json(ex, 200, error("the sign-in took too long or was already used: try again"));
      return;
    }
    Optional<String> refusal;
    try (Services sv = services.get()) {
      refusal =
          PasskeySignature.of(body).refusal(c.message, c.principal, sv.allowedPasskeys(), false);
    } catch (RuntimeException e) {
      refusal = Optional.of("the passkey's answer cannot be read");
    }
    if (refusal.isPresent()) {
      json(ex, 200, error(refusal.get()));
      return;
    }
    sessions.values().removeIf(s -> s.expires().isBefore(clock.instant()));
    String token = token();
    sessions.put(token, new Session(c.principal, token(), clock.instant().plus(SESSION)));
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
  private void decisionBegin(HttpExchange ex, Session s, String requestId, String action)
      throws IOException, BadBody {
    Map<String, Object> body = body(ex);
    boolean approve = action.equals("/approve/begin");
    if (!approve && !action.equals("/deny/begin")) {
      json(ex, 404, error("no such decision"));
      return;
    }
    Ceremony c = new Ceremony(s.principal(), null, clock.instant().plus(CEREMONY));
    String ticket = open(c);
    Runnable decide =
        () -> {
          try (Services sv = services.get()) {
            sv.signingWith(passkeySigner(c));
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
      ceremonies.remove(ticket);
      json(ex, 503, error("the inbox is busy: try again in a moment"));
      return;
    }
    try {
      c.challenge.get(20, TimeUnit.SECONDS);
      boolean uv = riskNeedsVerification(requestId);
      try (Services sv = services.get()) {
        json(ex, 200, options(ticket, c, sv.allowedPasskeys().of(s.principal()), uv));
      }
    } catch (ExecutionException e) {
      ceremonies.remove(ticket);
      json(ex, 200, error(e.getCause()));
    } catch (TimeoutException | InterruptedException e) {
      ceremonies.remove(ticket);
      json(ex, 200, error("agentcli did not get the decision ready in time: try again"));
    }
  }

  private boolean riskNeedsVerification(String requestId) {
    try (Services sv = services.get()) {
      Object risk = sv.requests().state(requestId).request().command().get("risk_level");
      return risk != null && GrantVerifier.USER_VERIFIED_RISKS.contains(String.valueOf(risk));
    }
  }

  private void finish(HttpExchange ex, Session s, Map<String, Object> body) throws IOException {
    Ceremony c = ceremonies.remove(String.valueOf(body.get("ticket")));
    if (c == null
        || c.message != null
        || !c.principal.equals(s.principal())
        || c.expires.isBefore(clock.instant())) {
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

  /** Signs as the person's passkey: hands the payload's digest to the browser, waits for it. */
  private static GrantSigner passkeySigner(Ceremony c) {
    return new GrantSigner() {
      @Override
      public String sign(byte[] message, Path key, String namespace) {
        throw new IllegalStateException("a passkey signs through the inbox only");
      }

      @Override
      public Grant.Signature signature(String payload, Optional<Path> key) {
        c.challenge.complete(PasskeySignature.challenge(payload.getBytes(StandardCharsets.UTF_8)));
        PasskeySignature answer;
        try {
          answer = c.assertion.get(CEREMONY.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new AgentCliException(
              ErrorCode.APPROVAL_SIGNATURE_INVALID,
              "no passkey signature came, nothing was written");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AgentCliException(ErrorCode.APPROVAL_SIGNATURE_INVALID, "interrupted");
        }
        return new Grant.Signature(
            PasskeySignature.METHOD,
            "passkey:" + B64.encodeToString(answer.credentialId()),
            GrantPayload.NAMESPACE,
            payload,
            answer.json());
      }
    };
  }

  private void enrol(HttpExchange ex, String token, String action, boolean post)
      throws IOException, BadBody {
    PasskeyEnrolments enrolments;
    AllowedPasskeys passkeys;
    try (Services sv = services.get()) {
      enrolments = sv.passkeyEnrolments();
      passkeys = sv.allowedPasskeys();
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
      Ceremony c = new Ceremony(principal, challenge, clock.instant().plus(CEREMONY));
      String id = open(c);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", true);
      m.put("ticket", id);
      m.put("challenge", B64.encodeToString(challenge));
      m.put("rpId", java.net.URI.create(origin).getHost());
      m.put("userId", B64.encodeToString(principal.getBytes(StandardCharsets.UTF_8)));
      m.put("userName", principal);
      json(ex, 200, m);
    } else if ("/finish".equals(action)) {
      Map<String, Object> body = body(ex);
      Ceremony c = ceremonies.remove(String.valueOf(body.get("ticket")));
      if (c == null || c.expires.isBefore(clock.instant()) || !c.principal.equals(principal)) {
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
                c.message);
        if (!enrolments.use(token)) {
          json(ex, 200, error("this enrolment link was used meanwhile"));
          return;
        }
        passkeys.add(principal, made[0], made[1], origin, ticket.get().verifyRequired());
        json(ex, 200, Map.of("ok", true, "message", "Your passkey now approves as " + principal));
      } catch (IllegalArgumentException | AgentCliException e) {
        json(ex, 200, error(e.getMessage()));
      }
    } else {
      json(ex, 404, error("no such step"));
    }
  }

  private Map<String, Object> options(
      String ticket, Ceremony c, List<AllowedPasskeys.Passkey> keys, boolean uv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put("ticket", ticket);
    m.put("challenge", B64.encodeToString(c.challenge.join()));
    m.put("rpId", java.net.URI.create(origin).getHost());
    m.put("allowCredentials", keys.stream().map(AllowedPasskeys.Passkey::id).toList());
    m.put("userVerification", uv ? "required" : "preferred");
    return m;
  }

  private String open(Ceremony c) {
    ceremonies.values().removeIf(x -> x.expires.isBefore(clock.instant()));
    String ticket = token();
    ceremonies.put(ticket, c);
    return ticket;
  }

  private Optional<Session> session(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String cookie : header.split(";")) {
        String[] kv = cookie.strip().split("=", 2);
        if (kv.length == 2 && kv[0].equals(COOKIE)) {
          Session s = sessions.get(kv[1]);
          if (s != null && s.expires().isAfter(clock.instant())) {
            return Optional.of(s);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** A request body that is not a JSON object of at most {@link #MAX_BODY} bytes. */
  private static final class BadBody extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    BadBody(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static Map<String, Object> body(HttpExchange ex) throws IOException, BadBody {
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      throw new BadBody(413, "the request is larger than " + MAX_BODY + " bytes");
    }
    try {
      return Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new BadBody(400, "the request is not a JSON object");
    }
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

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return B64.encodeToString(b);
  }

  private static Map<String, Object> error(Throwable e) {
    if (e instanceof AgentCliException a) {
      return Map.of("ok", false, "code", a.code().id(), "error", a.getMessage());
    }
    return error("agentcli failed: " + e);
  }

  private static Map<String, Object> error(String message) {
    return Map.of("ok", false, "error", message);
  }

  private static void json(HttpExchange ex, int status, Map<String, Object> body)
      throws IOException {
    InboxPages.send(ex, status, "application/json", Json.compact(body) + "\n");
  }
}
