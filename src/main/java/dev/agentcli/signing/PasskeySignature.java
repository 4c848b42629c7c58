package dev.agentcli.signing;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.VerificationException;
import dev.agentcli.codec.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A WebAuthn assertion made as a signature: its challenge is SHA-256 of the exact bytes signed (a
 * grant's payload, a denial's), so that anyone with {@code allowed_passkeys} can check offline that
 * the trusted credential signed exactly that, at the origin it was enrolled for, with its user
 * present (and verified, where that is required). The checks are webauthn4j's.
 *
 * @param credentialId the credential that signed
 * @param authenticatorData what the authenticator signed besides the client data (rp id hash,
 *     flags, counter)
 * @param clientDataJson the browser's client data: type, challenge, origin
 * @param signature the authenticator's signature over both
 */
public record PasskeySignature(
    byte[] credentialId, byte[] authenticatorData, byte[] clientDataJson, byte[] signature) {

  /** The value of {@code signature_method} for a passkey's signature. */
  public static final String METHOD = "webauthn";

  private static final WebAuthnManager WEBAUTHN = WebAuthnManager.createNonStrictWebAuthnManager();
  private static final ObjectConverter CONVERTER = new ObjectConverter();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  /** The challenge a signature of {@code message} answers: SHA-256 of it. */
  public static byte[] challenge(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Reads the form a grant stores (JSON, base64url fields); throws when it cannot. */
  public static PasskeySignature parse(String json) {
    return of(Json.parseObject(json));
  }

  /** Reads the fields of the form a grant stores (and the inbox's script posts). */
  public static PasskeySignature of(Map<String, Object> m) {
    Base64.Decoder d = Base64.getUrlDecoder();
    return new PasskeySignature(
        d.decode(String.valueOf(m.get("credential_id"))),
        d.decode(String.valueOf(m.get("authenticator_data"))),
        d.decode(String.valueOf(m.get("client_data_json"))),
        d.decode(String.valueOf(m.get("signature"))));
  }

  /** The form a grant stores. */
  public String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("credential_id", B64.encodeToString(credentialId));
    m.put("authenticator_data", B64.encodeToString(authenticatorData));
    m.put("client_data_json", B64.encodeToString(clientDataJson));
    m.put("signature", B64.encodeToString(signature));
    return Json.compact(m);
  }

  /**
   * Why this is not {@code principal}'s signature of {@code message}; empty when it is.
   *
   * @param userVerificationRequired whether the task demands the user verified (its risk), besides
   *     what the credential's line demands
   */
  public Optional<String> refusal(
      byte[] message, String principal, AllowedPasskeys trusted, boolean userVerificationRequired) {
    Optional<AllowedPasskeys.Passkey> key = trusted.find(credentialId);
    String id = B64.encodeToString(credentialId);
    if (key.isEmpty()) {
      return Optional.of("passkey " + id + " is not in " + trusted.path().getFileName());
    }
    AllowedPasskeys.Passkey k = key.get();
    if (!k.principal().equals(principal)) {
      return Optional.of(
          "passkey " + id + " is trusted as '" + k.principal() + "', not as '" + principal + "'");
    }
    boolean uv = userVerificationRequired || k.verifyRequired();
    byte[] challenge = challenge(message);
    try {
      COSEKey cose = CONVERTER.getCborConverter().readValue(k.coseKey(), COSEKey.class);
      WEBAUTHN.verify(
          new AuthenticationRequest(
              credentialId, null, authenticatorData, clientDataJson, null, signature),
          new AuthenticationParameters(
              server(k.origin(), challenge),
              new CredentialRecordImpl(
                  new NoneAttestationStatement(),
                  null,
                  null,
                  null,
                  0,
                  new AttestedCredentialData(AAGUID.ZERO, credentialId, cose),
                  null,
                  null,
                  null,
                  null),
              List.of(credentialId),
              uv,
              true));
      return Optional.empty();
    } catch (VerificationException | DataConversionException | IllegalArgumentException e) {
      return Optional.of(
          "the signature of passkey "
              + id
              + " (enrolled at "
              + k.origin()
              + (uv ? ", user verification required" : "")
              + ") does not hold: "
              + e.getMessage());
    }
  }

  /**
   * A credential made at enrolment, checked: the browser's attestation answers {@code challenge},
   * at {@code origin}, with its user present.
   *
   * @return the credential id and its public key (COSE)
   */
  public static byte[][] enrolled(
      byte[] attestationObject, byte[] clientDataJson, String origin, byte[] challenge) {
    try {
      RegistrationData data =
          WEBAUTHN.verify(
              new RegistrationRequest(attestationObject, clientDataJson),
              new RegistrationParameters(server(origin, challenge), null, false, true));
      AttestedCredentialData credential =
          data.getAttestationObject().getAuthenticatorData().getAttestedCredentialData();
      return new byte[][] {
        credential.getCredentialId(),
        CONVERTER.getCborConverter().writeValueAsBytes(credential.getCOSEKey())
      };
    } catch (VerificationException | DataConversionException | NullPointerException e) {
      throw new IllegalArgumentException(
          "the new passkey does not check out: " + e.getMessage(), e);
    }
  }

  /** Where a ceremony had to happen: the origin, its host as relying party, the challenge. */
  private static ServerProperty server(String origin, byte[] challenge) {
    return ServerProperty.builder()
        .origin(Origin.create(origin))
        .rpId(URI.create(origin).getHost())
        .challenge(new DefaultChallenge(challenge))
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PasskeySignature p
        && Arrays.equals(credentialId, p.credentialId)
        && Arrays.equals(authenticatorData, p.authenticatorData)
        && Arrays.equals(clientDataJson, p.clientDataJson)
        && Arrays.equals(signature, p.signature);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "passkey "
        + B64.encodeToString(credentialId)
        + " "
        + new String(clientDataJson, StandardCharsets.UTF_8);
  }
}
