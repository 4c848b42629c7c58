package dev.agentcli.signing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A passkey in software, for tests: an ES256 credential that answers a WebAuthn assertion as the
 * specification says an authenticator and a browser together do (authenticator data: SHA-256 of the
 * rp id, flags, counter; client data JSON; an ECDSA signature over the authenticator data and
 * SHA-256 of the client data). Written from the WebAuthn specification with its own CBOR, so that
 * it checks agentcli's verifier (webauthn4j) rather than mirroring it; InboxIT has a real browser
 * make the same signatures.
 */
public final class SoftwarePasskey {
  public static final int USER_PRESENT = 0x01;
  public static final int USER_VERIFIED = 0x04;

  private final KeyPair pair;
  private final byte[] credentialId = new byte[16];
  private int counter;

  public SoftwarePasskey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    pair = g.generateKeyPair();
    new SecureRandom().nextBytes(credentialId);
  }

  public byte[] credentialId() {
    return credentialId.clone();
  }

  /** The public key as COSE (RFC 9053 EC2, ES256), CBOR-encoded: what enrolment stores. */
  public byte[] coseKey() {
    ECPublicKey k = (ECPublicKey) pair.getPublic();
    ByteArrayOutputStream cbor = new ByteArrayOutputStream();
    cbor.write(0xa5); // a map of 5
    cbor.writeBytes(new byte[] {0x01, 0x02}); // kty: EC2
    cbor.writeBytes(new byte[] {0x03, 0x26}); // alg: -7 (ES256)
    cbor.writeBytes(new byte[] {0x20, 0x01}); // crv: P-256
    cbor.writeBytes(new byte[] {0x21, 0x58, 0x20}); // x: 32 bytes
    cbor.writeBytes(fixed(k.getW().getAffineX()));
    cbor.writeBytes(new byte[] {0x22, 0x58, 0x20}); // y: 32 bytes
    cbor.writeBytes(fixed(k.getW().getAffineY()));
    return cbor.toByteArray();
  }

  /** The allowed_passkeys line that trusts this passkey for {@code principal} at {@code origin}. */
  public String line(String principal, String origin, String options) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return principal
        + " origin=\""
        + origin
        + "\""
        + options
        + " passkey "
        + b.encodeToString(credentialId)
        + " "
        + b.encodeToString(coseKey());
  }

  /**
   * The assertion a browser at {@code origin} returns for {@code challenge}, the authenticator
   * reporting {@code flags}.
   */
  public PasskeySignature assertion(byte[] challenge, String origin, int flags) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] authenticatorData =
        ByteBuffer.allocate(37)
            .put(sha256.digest(URI.create(origin).getHost().getBytes(StandardCharsets.UTF_8)))
            .put((byte) flags)
            .putInt(++counter)
            .array();
    byte[] clientData =
        ("{\"type\":\"webauthn.get\",\"challenge\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(challenge)
                + "\",\"origin\":\""
                + origin
                + "\",\"crossOrigin\":false}")
            .getBytes(StandardCharsets.UTF_8);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(pair.getPrivate());
    s.update(authenticatorData);
    s.update(sha256.digest(clientData));
    return new PasskeySignature(credentialId(), authenticatorData, clientData, s.sign());
  }

  private static byte[] fixed(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(32, b.length);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }
}
