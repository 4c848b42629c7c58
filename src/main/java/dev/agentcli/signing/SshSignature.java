package dev.agentcli.signing;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * An OpenSSH {@code SSHSIG} signature (PROTOCOL.sshsig), as {@code ssh-keygen -Y sign} writes it,
 * verified in-process with the JDK's crypto.
 *
 * @param publicKey the signer's key, carried inside the signature
 * @param hashAlgorithm {@code sha256} or {@code sha512}: how the message was hashed
 * @param signatureFormat e.g. {@code ssh-ed25519}, {@code rsa-sha2-512}
 * @param flags a security key's flags ({@link #USER_PRESENT}, {@link #USER_VERIFIED}); 0 for other
 *     keys
 * @param counter a security key's signature counter; 0 for other keys
 */
public record SshSignature(
    SshPublicKey publicKey,
    String namespace,
    String hashAlgorithm,
    String signatureFormat,
    byte[] signature,
    int flags,
    long counter) {

  /** The authenticator saw a touch (FIDO's user presence). */
  public static final int USER_PRESENT = 0x01;

  /** The authenticator checked a PIN or biometric (FIDO's user verification). */
  public static final int USER_VERIFIED = 0x04;

  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
  private static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
  private static final String END = "-----END SSH SIGNATURE-----";

  /** Parses the armored form ({@code -----BEGIN SSH SIGNATURE-----} ...). */
  public static SshSignature parseArmored(String armored) {
    String text = armored.strip();
    if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
      throw new SshWire.MalformedException("not an armored SSH signature");
    }
    String base64 =
        text.substring(BEGIN.length(), text.length() - END.length()).replaceAll("\\s", "");
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new SshWire.MalformedException("SSH signature is not base64");
    }
    SshWire.Reader r = new SshWire.Reader(blob);
    if (!Arrays.equals(MAGIC, r.bytes(MAGIC.length))) {
      throw new SshWire.MalformedException("missing SSHSIG preamble");
    }
    int version = r.uint32();
    if (version != 1) {
      throw new SshWire.MalformedException("unsupported SSHSIG version " + version);
    }
    SshPublicKey key = SshPublicKey.fromBlob(r.string());
    String namespace = r.text();
    r.string(); // reserved
    String hash = r.text();
    SshWire.Reader sig = new SshWire.Reader(r.string());
    String format = sig.text();
    byte[] signature = sig.string();
    int flags = 0;
    long counter = 0;
    if (format.startsWith("sk-")) {
      flags = sig.bytes(1)[0] & 0xff;
      counter = sig.uint32() & 0xffffffffL;
    }
    if (!r.done() || !sig.done()) {
      throw new SshWire.MalformedException("trailing bytes in SSH signature");
    }
    return new SshSignature(key, namespace, hash, format, signature, flags, counter);
  }

  /** Whether a security key signed after a touch; true for other keys, which have no such flag. */
  public boolean userPresent() {
    return !publicKey.securityKey() || (flags & USER_PRESENT) != 0;
  }

  /** Whether a security key checked its user's PIN or biometric; false for other keys. */
  public boolean userVerified() {
    return publicKey.securityKey() && (flags & USER_VERIFIED) != 0;
  }

  /**
   * Whether this is a valid signature by its key over {@code message} in {@code namespace}. A wrong
   * namespace, an unsupported or weak algorithm, or a signature that does not match is {@code
   * false}.
   */
  public boolean verifies(byte[] message, String expectedNamespace) {
    if (!namespace.equals(expectedNamespace) || expectedNamespace.isEmpty()) {
      return false;
    }
    String digestName =
        switch (hashAlgorithm) {
          case "sha256" -> "SHA-256";
          case "sha512" -> "SHA-512";
          default -> null;
        };
    String jdkAlgorithm = jdkAlgorithm();
    if (digestName == null || jdkAlgorithm == null) {
      return false;
    }
    try {
      byte[] signedData =
          new SshWire.Writer()
              .raw(MAGIC)
              .string(namespace)
              .string(new byte[0])
              .string(hashAlgorithm)
              .string(MessageDigest.getInstance(digestName).digest(message))
              .toByteArray();
      Signature verifier = Signature.getInstance(jdkAlgorithm);
      verifier.initVerify(publicKey.key());
      verifier.update(publicKey.securityKey() ? authenticatorData(signedData) : signedData);
      return verifier.verify(jdkSignatureBytes());
    } catch (GeneralSecurityException | SshWire.MalformedException e) {
      return false;
    }
  }

  /**
   * What a security key signs instead of the message (PROTOCOL.u2f): SHA-256 of its application,
   * its flags, its counter, and SHA-256 of the message; no extensions are defined for SSH.
   */
  private byte[] authenticatorData(byte[] message) throws GeneralSecurityException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    return ByteBuffer.allocate(32 + 1 + 4 + 32)
        .put(sha256.digest(publicKey.application().getBytes(StandardCharsets.UTF_8)))
        .put((byte) flags)
        .putInt((int) counter)
        .put(sha256.digest(message))
        .array();
  }

  /** The JDK algorithm for this key type and signature format; null when they do not fit. */
  private String jdkAlgorithm() {
    String type = publicKey.type();
    if (type.equals("ssh-ed25519") && signatureFormat.equals("ssh-ed25519")
        || type.equals(SshPublicKey.SK_ED25519) && signatureFormat.equals(type)) {
      return "Ed25519";
    }
    if (type.equals(SshPublicKey.SK_ECDSA) && signatureFormat.equals(type)) {
      return "SHA256withECDSAinP1363Format";
    }
    if (type.equals("ssh-rsa")) {
      // ssh-rsa (SHA-1) signatures are refused, as OpenSSH does for SSHSIG.
      return switch (signatureFormat) {
        case "rsa-sha2-256" -> "SHA256withRSA";
        case "rsa-sha2-512" -> "SHA512withRSA";
        default -> null;
      };
    }
    if (type.startsWith("ecdsa-sha2-") && signatureFormat.equals(type)) {
      return switch (type) {
        case "ecdsa-sha2-nistp256" -> "SHA256withECDSAinP1363Format";
        case "ecdsa-sha2-nistp384" -> "SHA384withECDSAinP1363Format";
        default -> "SHA512withECDSAinP1363Format";
      };
    }
    return null;
  }

  /** ECDSA signatures come as two mpints; the JDK's P1363 form wants r||s at the curve's size. */
  private byte[] jdkSignatureBytes() {
    if (!publicKey.type().startsWith("ecdsa-sha2-")
        && !publicKey.type().equals(SshPublicKey.SK_ECDSA)) {
      return signature;
    }
    SshWire.Reader r = new SshWire.Reader(signature);
    BigInteger rr = r.mpint();
    BigInteger ss = r.mpint();
    int size =
        switch (publicKey.type()) {
          case "ecdsa-sha2-nistp256", SshPublicKey.SK_ECDSA -> 32;
          case "ecdsa-sha2-nistp384" -> 48;
          default -> 66;
        };
    byte[] out = new byte[2 * size];
    copyUnsigned(rr, out, 0, size);
    copyUnsigned(ss, out, size, size);
    return out;
  }

  private static void copyUnsigned(BigInteger value, byte[] out, int offset, int size) {
    byte[] b = value.toByteArray();
    int start = 0;
    while (start < b.length - 1 && b[start] == 0) {
      start++;
    }
    int len = b.length - start;
    if (len > size || value.signum() < 0) {
      throw new SshWire.MalformedException("ECDSA signature value out of range");
    }
    System.arraycopy(b, start, out, offset + size - len, len);
  }
}
