package dev.agentcli.signing;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An OpenSSH public key (Ed25519, ECDSA P-256/384/521 or RSA, and the FIDO security keys {@code
 * sk-ssh-ed25519@openssh.com} and {@code sk-ecdsa-sha2-nistp256@openssh.com} of PROTOCOL.u2f) as a
 * JDK key, with its {@code SHA256:} fingerprint as {@code ssh-keygen -l} prints it.
 *
 * @param type the SSH key type, e.g. {@code ssh-ed25519}
 * @param blob the key in SSH wire form (what fingerprints and allowed_signers compare)
 * @param application a security key's FIDO application (relying party), e.g. {@code ssh:}; null for
 *     other keys
 */
public record SshPublicKey(String type, byte[] blob, PublicKey key, String application) {
  public static final String SK_ED25519 = "sk-ssh-ed25519@openssh.com";
  public static final String SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com";

  /** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow. */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  /** Parses the {@code <type> <base64> [comment]} form of a {@code .pub} file. */
  public static SshPublicKey parseOpenSsh(String line) {
    String[] parts = line.trim().split("\\s+");
    if (parts.length < 2) {
      throw new SshWire.MalformedException("not an OpenSSH public key: expected '<type> <base64>'");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new SshWire.MalformedException("public key is not base64");
    }
    SshPublicKey key = fromBlob(blob);
    if (!key.type().equals(parts[0])) {
      throw new SshWire.MalformedException(
          "key type " + parts[0] + " does not match its data (" + key.type() + ")");
    }
    return key;
  }

  /** Parses a key in SSH wire form. */
  public static SshPublicKey fromBlob(byte[] blob) {
    SshWire.Reader r = new SshWire.Reader(blob);
    String type = r.text();
    try {
      PublicKey key;
      String application = null;
      switch (type) {
        case "ssh-ed25519":
        case SK_ED25519:
          {
            key = ed25519(r.string());
            break;
          }
        case "ssh-rsa":
          {
            BigInteger e = r.mpint();
            BigInteger n = r.mpint();
            if (n.bitLength() < 2048) {
              throw new SshWire.MalformedException("RSA keys shorter than 2048 bits are refused");
            }
            key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            break;
          }
        case "ecdsa-sha2-nistp256":
        case "ecdsa-sha2-nistp384":
        case "ecdsa-sha2-nistp521":
        case SK_ECDSA:
          {
            String curve = r.text();
            if (!type.replace("@openssh.com", "").endsWith(curve)) {
              throw new SshWire.MalformedException(
                  "ECDSA curve " + curve + " does not match " + type);
            }
            key = ecKey(curve, r.string());
            break;
          }
        default:
          throw new SshWire.MalformedException("unsupported key type " + type);
      }
      if (type.startsWith("sk-")) {
        application = r.text();
      }
      if (!r.done()) {
        throw new SshWire.MalformedException("trailing bytes after the key");
      }
      return new SshPublicKey(type, blob.clone(), key, application);
    } catch (GeneralSecurityException e) {
      throw new SshWire.MalformedException("invalid " + type + " key: " + e.getMessage());
    }
  }

  private static PublicKey ed25519(byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw new SshWire.MalformedException("Ed25519 key must be 32 bytes");
    }
    byte[] der = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
    System.arraycopy(raw, 0, der, ED25519_SPKI_PREFIX.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  /** Whether this is a FIDO security key, whose signatures carry its flags (PROTOCOL.u2f). */
  public boolean securityKey() {
    return application != null;
  }

  private static PublicKey ecKey(String curve, byte[] point) throws GeneralSecurityException {
    String name =
        switch (curve) {
          case "nistp256" -> "secp256r1";
          case "nistp384" -> "secp384r1";
          default -> "secp521r1";
        };
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec(name));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    int size = (spec.getCurve().getField().getFieldSize() + 7) / 8;
    if (point.length != 1 + 2 * size || point[0] != 4) {
      throw new SshWire.MalformedException("ECDSA point must be uncompressed");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + size));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + size, point.length));
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
  }

  /** {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -l} prints it. */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The {@code <type> <base64>} form, for allowed_signers lines. */
  public String openSsh() {
    return type + " " + Base64.getEncoder().encodeToString(blob);
  }

  /** Same key: same wire bytes. */
  public boolean sameKey(SshPublicKey other) {
    return Arrays.equals(blob, other.blob);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SshPublicKey k && sameKey(k);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(blob);
  }

  @Override
  public String toString() {
    return type + " " + fingerprint();
  }
}
