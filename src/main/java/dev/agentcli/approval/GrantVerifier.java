package dev.agentcli.approval;

import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.signing.PasskeySignature;
import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks a grant before it may be consumed, in-process: the SSHSIG signature over the grant's
 * payload, by a key that allowed_signers trusts for the grant's approver in the {@code agentcli}
 * namespace. The trust store is read only when a signed grant is checked.
 */
public final class GrantVerifier {
  /** The value of {@code signature_method} for SSHSIG grants. */
  public static final String METHOD = "ssh-signature";

  private final Supplier<AllowedSigners> trust;
  private final AllowedPasskeys passkeys;
  private final Set<String> userVerifiedRisks;
  private AllowedSigners loaded;

  /** As the other constructor, a passkey verifying its user for high and critical risk. */
  public GrantVerifier(Supplier<AllowedSigners> trust, AllowedPasskeys passkeys) {
    this(trust, passkeys, Set.of("high", "critical"));
  }

  /**
   * @param userVerifiedRisks the risk levels whose grants a passkey must sign with its user
   *     verified (a PIN, a biometric)
   */
  public GrantVerifier(
      Supplier<AllowedSigners> trust, AllowedPasskeys passkeys, Set<String> userVerifiedRisks) {
    this.trust = trust;
    this.passkeys = passkeys;
    this.userVerifiedRisks = Set.copyOf(userVerifiedRisks);
  }

  /** Whether a passkey must sign a grant of {@code riskLevel} with its user verified. */
  public boolean needsUserVerification(String riskLevel) {
    return riskLevel != null && userVerifiedRisks.contains(riskLevel);
  }

  /**
   * @param allowUnsigned whether a grant unsigned by choice is acceptable for this task: the task
   *     says so and the operator allows it
   */
  public Verdict verify(Grant g, boolean allowUnsigned, Instant now) {
    Grant.Signature sig = g.signature();
    if (sig == null) {
      if (!g.unsignedExplicit()) {
        return Verdict.refused("the grant has no signature", null);
      }
      return allowUnsigned
          ? Verdict.ok("unsigned by choice, and this task allows unsigned grants", null)
          : Verdict.refused(
              "the grant is unsigned, and this task needs a signed grant (approval.signature is"
                  + " required, or the operator configuration does not allow unsigned grants)",
              null);
    }
    return verifySigned(
        sig, GrantPayload.of(g), g.approver(), now, needsUserVerification(g.riskLevel()));
  }

  /**
   * Whether {@code sig} is an SSHSIG over exactly {@code payload}, in the {@code agentcli}
   * namespace, by a key the trust store trusts for {@code principal}: a grant's, or any other
   * signed decision's.
   */
  public Verdict verifySigned(Grant.Signature sig, String payload, String principal, Instant now) {
    return verifySigned(sig, payload, principal, now, false);
  }

  /**
   * As {@link #verifySigned(Grant.Signature, String, String, Instant)}; a passkey's signature must
   * also show its user verified when {@code userVerified} says so.
   */
  public Verdict verifySigned(
      Grant.Signature sig, String payload, String principal, Instant now, boolean userVerified) {
    if (PasskeySignature.METHOD.equals(sig.method())
        && GrantPayload.NAMESPACE.equals(sig.namespace())) {
      return verifyPasskey(sig, payload, principal, userVerified);
    }
    if (!METHOD.equals(sig.method()) || !GrantPayload.NAMESPACE.equals(sig.namespace())) {
      return Verdict.refused("unknown signature method or namespace", sig.keyFingerprint());
    }
    SshSignature parsed;
    try {
      parsed = SshSignature.parseArmored(String.valueOf(sig.signature()));
    } catch (RuntimeException e) {
      return Verdict.refused(
          "the signature cannot be read: " + e.getMessage(), sig.keyFingerprint());
    }
    String fingerprint = parsed.publicKey().fingerprint();
    if (!payload.equals(sig.signedPayload())) {
      return Verdict.refused("signed fields of the grant were changed after signing", fingerprint);
    }
    if (!parsed.verifies(payload.getBytes(StandardCharsets.UTF_8), GrantPayload.NAMESPACE)) {
      return Verdict.refused(
          "the signature does not verify (wrong namespace, algorithm or data)", fingerprint);
    }
    if (!fingerprint.equals(sig.keyFingerprint())) {
      return Verdict.refused("the recorded key fingerprint is not the signing key's", fingerprint);
    }
    if (!parsed.userPresent()) {
      return Verdict.refused(
          "the security key signed without a touch (no user presence): nobody was there",
          fingerprint);
    }
    Optional<String> refusal =
        trusted()
            .refusal(
                principal, parsed.publicKey(), GrantPayload.NAMESPACE, now, parsed.userVerified());
    return refusal
        .map(why -> Verdict.refused(why, fingerprint))
        .orElseGet(
            () -> Verdict.ok("signed by " + principal + " with " + fingerprint, fingerprint));
  }

  private Verdict verifyPasskey(
      Grant.Signature sig, String payload, String principal, boolean userVerified) {
    PasskeySignature parsed;
    try {
      parsed = PasskeySignature.parse(String.valueOf(sig.signature()));
    } catch (RuntimeException e) {
      return Verdict.refused("the passkey signature cannot be read", sig.keyFingerprint());
    }
    String fingerprint =
        "passkey:" + Base64.getUrlEncoder().withoutPadding().encodeToString(parsed.credentialId());
    if (!payload.equals(sig.signedPayload())) {
      return Verdict.refused("signed fields of the grant were changed after signing", fingerprint);
    }
    if (!fingerprint.equals(sig.keyFingerprint())) {
      return Verdict.refused("the recorded key fingerprint is not the signing key's", fingerprint);
    }
    return parsed
        .refusal(payload.getBytes(StandardCharsets.UTF_8), principal, passkeys, userVerified)
        .map(why -> Verdict.refused(why, fingerprint))
        .orElseGet(
            () -> Verdict.ok("signed by " + principal + " with " + fingerprint, fingerprint));
  }

  private AllowedSigners trusted() {
    if (loaded == null) {
      loaded = trust.get();
    }
    return loaded;
  }
}
