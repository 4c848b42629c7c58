package dev.agentcli.serve;

import dev.agentcli.approval.Expiry;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.approval.GrantSigner;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.PasskeySignature;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebAuthn ceremony under way in the inbox: the challenge asked of the browser, the assertion it
 * answered, the outcome. A sign-in's challenge is random ({@code message}); a decision's is the
 * digest of what its grant or denial records, known once the use case asks {@link #signer} to sign.
 */
final class Ceremony {
  /** How long a browser has to answer. */
  static final Duration LIFETIME = Duration.ofMinutes(3);

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** What a ceremony is for: a ticket of one kind is never taken as another's. */
  enum Kind {
    SIGN_IN,
    DECISION,
    ENROLMENT
  }

  final Kind kind;
  final String principal;
  final byte[] message;
  final Instant expires;
  final CompletableFuture<byte[]> challenge = new CompletableFuture<>();
  final CompletableFuture<PasskeySignature> assertion = new CompletableFuture<>();
  final CompletableFuture<String> outcome = new CompletableFuture<>();

  /**
   * @param message what a sign-in signs (its challenge is its digest), an enrolment's challenge;
   *     null for a decision, whose challenge comes with the payload
   */
  Ceremony(Kind kind, String principal, byte[] message, Instant expires) {
    this.kind = kind;
    this.principal = principal;
    this.message = message;
    this.expires = expires;
    if (kind == Kind.SIGN_IN) {
      challenge.complete(PasskeySignature.challenge(message));
    } else if (kind == Kind.ENROLMENT) {
      challenge.complete(message);
    }
  }

  /** What the browser needs to ask the passkey: the challenge, the relying party, the keys. */
  Map<String, Object> options(
      String ticket, String origin, List<AllowedPasskeys.Passkey> keys, boolean uv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put("ticket", ticket);
    m.put("challenge", B64.encodeToString(challenge.join()));
    m.put("rpId", URI.create(origin).getHost());
    m.put("allowCredentials", keys.stream().map(AllowedPasskeys.Passkey::id).toList());
    m.put("userVerification", uv ? "required" : "preferred");
    return m;
  }

  /** Signs as the person's passkey: hands the payload's digest to the browser, waits for it. */
  GrantSigner signer() {
    return new GrantSigner() {
      @Override
      public String sign(byte[] message, Path key, String namespace) {
        throw new IllegalStateException("a passkey signs through the inbox only");
      }

      @Override
      public Grant.Signature signature(String payload, Optional<Path> key) {
        challenge.complete(PasskeySignature.challenge(payload.getBytes(StandardCharsets.UTF_8)));
        PasskeySignature answer;
        try {
          answer = assertion.get(LIFETIME.toSeconds(), TimeUnit.SECONDS);
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

  /**
   * The ceremonies under way, by their random ticket; each can be taken once, before it expires.
   */
  static final class Registry {
    private final Map<String, Ceremony> open = new ConcurrentHashMap<>();
    private final Clock clock;

    Registry(Clock clock) {
      this.clock = clock;
    }

    String open(Ceremony c) {
      open.values().removeIf(x -> Expiry.passed(x.expires, clock.instant()));
      String ticket = Web.token();
      open.put(ticket, c);
      return ticket;
    }

    void cancel(String ticket) {
      open.remove(ticket);
    }

    /**
     * The ceremony {@code ticket} names, removed, if it is of that {@code kind}, {@code
     * principal}'s (any, for a sign-in, whose principal is what it proves) and unexpired; empty
     * otherwise.
     */
    Optional<Ceremony> take(Object ticket, Kind kind, String principal) {
      Ceremony c = open.remove(String.valueOf(ticket));
      return c == null
              || c.kind != kind
              || (principal != null && !c.principal.equals(principal))
              || Expiry.passed(c.expires, clock.instant())
          ? Optional.empty()
          : Optional.of(c);
    }
  }
}
