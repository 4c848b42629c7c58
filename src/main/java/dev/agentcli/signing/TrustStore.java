package dev.agentcli.signing;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.audit.EventType;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may sign grants: adds and removes the trusted keys of allowed_signers, each change audited
 * with the key's fingerprint.
 */
public final class TrustStore {
  /** A principal allowed_signers can hold: no spaces, commas, quotes or pattern characters. */
  private static final Pattern PRINCIPAL = Pattern.compile("[^\\s\\p{Cntrl},\"!*?]{1,200}");

  private final AllowedSignersFile file;
  private final AllowedPasskeys passkeys;
  private final AuditLog audit;
  private final Clock clock;
  private final String namespace;

  /**
   * @param namespace the only SSHSIG namespace the keys added are trusted in
   */
  public TrustStore(AllowedSignersFile file, AuditLog audit, Clock clock, String namespace) {
    this(
        file,
        new AllowedPasskeys(file.path().resolveSibling("allowed_passkeys")),
        audit,
        clock,
        namespace);
  }

  /**
   * @param passkeys the passkeys trusted beside the keys
   */
  public TrustStore(
      AllowedSignersFile file,
      AllowedPasskeys passkeys,
      AuditLog audit,
      Clock clock,
      String namespace) {
    this.file = file;
    this.passkeys = passkeys;
    this.audit = audit;
    this.clock = clock;
    this.namespace = namespace;
  }

  public Path path() {
    return file.path();
  }

  public String namespace() {
    return namespace;
  }

  /**
   * Trusts the OpenSSH public key in {@code keyFile} to sign grants as {@code principal}; with
   * {@code verifyRequired} (a FIDO security key only) only signatures its key made after checking
   * the user's PIN or biometric.
   */
  public AllowedSigners.Entry add(String principal, Path keyFile, boolean verifyRequired) {
    if (!PRINCIPAL.matcher(principal).matches()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "<principal> must be 1 to 200 characters without spaces, commas, quotes or ! * ?",
          Map.of("principal", principal));
    }
    String[] line;
    SshPublicKey key;
    try {
      line = Files.readString(keyFile).strip().split("\\s+", 3);
      key = SshPublicKey.parseOpenSsh(String.join(" ", line));
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "cannot read " + keyFile + ": " + e.getMessage(),
          Map.of("file", keyFile.toString()),
          e);
    } catch (RuntimeException e) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          keyFile + " is not an OpenSSH public key: " + e.getMessage(),
          Map.of("file", keyFile.toString()));
    }
    if (verifyRequired && !key.securityKey()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "--verify-required needs a FIDO security key (sk-ssh-ed25519@openssh.com or"
              + " sk-ecdsa-sha2-nistp256@openssh.com): only its signatures show that the user was"
              + " verified, and "
              + keyFile
              + " holds a "
              + key.type()
              + " key",
          Map.of("file", keyFile.toString(), "key_type", key.type()));
    }
    AllowedSigners.Entry entry =
        file.add(
            principal,
            key,
            (verifyRequired ? "verify-required," : "") + "namespaces=\"" + namespace + "\"",
            line.length > 2 ? line[2] : null);
    audit.append(event(EventType.SIGNER_ADDED, principal, key));
    return entry;
  }

  /**
   * Stops trusting the keys listed for {@code principal} (only the one with {@code fingerprint},
   * when given); {@code signer_not_found} when there is none.
   */
  public List<AllowedSigners.Entry> remove(String principal, Optional<String> fingerprint) {
    return removeAll(principal, fingerprint).keys();
  }

  /** The keys and passkeys a removal took out of the trust store. */
  public record Removed(List<AllowedSigners.Entry> keys, List<AllowedPasskeys.Passkey> passkeys) {}

  /**
   * Stops trusting the keys and passkeys listed for {@code principal} (only the one with {@code
   * fingerprint}, {@code SHA256:...} or {@code passkey:...}, when given); {@code signer_not_found}
   * when there is none.
   */
  public Removed removeAll(String principal, Optional<String> fingerprint) {
    List<AllowedSigners.Entry> removed =
        file.remove(
            e ->
                e.principals().contains(principal)
                    && fingerprint.map(e.key().fingerprint()::equals).orElse(true));
    List<AllowedPasskeys.Passkey> gone =
        passkeys.remove(
            k ->
                k.principal().equals(principal)
                    && fingerprint.map(k.fingerprint()::equals).orElse(true));
    if (removed.isEmpty() && gone.isEmpty()) {
      throw new AgentCliException(
          ErrorCode.SIGNER_NOT_FOUND,
          "no key is listed for '"
              + principal
              + "'"
              + fingerprint.map(f -> " with fingerprint " + f).orElse(""),
          Map.of("principal", principal));
    }
    for (AllowedSigners.Entry e : removed) {
      audit.append(event(EventType.SIGNER_REMOVED, principal, e.key()));
    }
    for (AllowedPasskeys.Passkey k : gone) {
      audit.append(passkeyEvent(EventType.SIGNER_REMOVED, k));
    }
    return new Removed(removed, gone);
  }

  /** Trusts a passkey enrolled at {@code origin} to sign as {@code principal}, audited. */
  public AllowedPasskeys.Passkey enrolPasskey(
      String principal,
      byte[] credentialId,
      byte[] coseKey,
      String origin,
      boolean verifyRequired) {
    AllowedPasskeys.Passkey added =
        passkeys.add(principal, credentialId, coseKey, origin, verifyRequired);
    audit.append(passkeyEvent(EventType.SIGNER_ADDED, added));
    return added;
  }

  private AuditEvent passkeyEvent(EventType type, AllowedPasskeys.Passkey k) {
    return AuditEvent.builder(type, clock.instant())
        .actor(k.principal())
        .detail("key_fingerprint", k.fingerprint())
        .detail("origin", k.origin())
        .detail("allowed_passkeys", passkeys.path().toString())
        .build();
  }

  private AuditEvent event(EventType type, String principal, SshPublicKey key) {
    return AuditEvent.builder(type, clock.instant())
        .actor(principal)
        .detail("key_fingerprint", key.fingerprint())
        .detail("allowed_signers", file.path().toString())
        .build();
  }
}
