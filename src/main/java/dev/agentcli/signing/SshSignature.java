package dev.agentcli.signing;

import java.math.BigInteger;
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
 */
public record SshSignature(
    SshPublicKey publicKey,
    String namespace,
    String hashAlgorithm,
    String signatureFormat,
    byte[] signature) {

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
    if (!r.done() || !sig.done()) {
      throw new SshWire.MalformedException("trailing bytes in SSH signature");
    }
    return new SshSignature(key, namespace, hash, format, signature);
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
      verifier.update(signedData);
      return verifier.verify(jdkSignatureBytes());
    } catch (GeneralSecurityException | SshWire.MalformedException e) {
      return false;
    }
  }

  /** The JDK algorithm for this key type and signature format; null when they do not fit. */
  private String jdkAlgorithm() {
    String type = publicKey.type();
    if (type.equals("ssh-ed25519") && signatureFormat.equals("ssh-ed25519")) {
      return "Ed25519";
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
    if (!publicKey.type().startsWith("ecdsa-sha2-")) {
      return signature;
    }
    SshWire.Reader r = new SshWire.Reader(signature);
    BigInteger rr = r.mpint();
    BigInteger ss = r.mpint();
    int size =
        switch (publicKey.type()) {
          case "ecdsa-sha2-nistp256" -> 32;
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
