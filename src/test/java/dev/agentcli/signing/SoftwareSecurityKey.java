package dev.agentcli.signing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A FIDO security key in software, for tests: it signs as OpenSSH's PROTOCOL.u2f says a hardware
 * key does (over SHA-256 of its application, its flags, its counter and SHA-256 of the message),
 * and wraps the result in SSHSIG as {@code ssh-keygen -Y sign} would with such a key. Written from
 * the protocol documents with its own wire encoding, so that {@code ssh-keygen -Y verify} (not
 * agentcli's verifier) is what says it is right.
 */
public final class SoftwareSecurityKey {
  public static final int USER_PRESENT = 0x01;
  public static final int USER_VERIFIED = 0x04;

  private final String type;
  private final KeyPair pair;
  private final String application = "ssh:";
  private long counter;

  private SoftwareSecurityKey(String type, KeyPair pair) {
    this.type = type;
    this.pair = pair;
  }

  public static SoftwareSecurityKey ed25519() throws Exception {
    return new SoftwareSecurityKey(
        "sk-ssh-ed25519@openssh.com", KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
  }

  public static SoftwareSecurityKey ecdsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return new SoftwareSecurityKey("sk-ecdsa-sha2-nistp256@openssh.com", g.generateKeyPair());
  }

  /** The {@code .pub} line, as {@code ssh-keygen -t ed25519-sk} writes it. */
  public String publicKeyLine(String comment) {
    return type + " " + Base64.getEncoder().encodeToString(publicBlob()) + " " + comment;
  }

  private byte[] publicBlob() {
    Wire w = new Wire().string(type);
    if (type.startsWith("sk-ssh-ed25519")) {
      byte[] spki = pair.getPublic().getEncoded();
      w.string(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    } else {
      ECPublicKey k = (ECPublicKey) pair.getPublic();
      byte[] point = new byte[65];
      point[0] = 4;
      fixed(k.getW().getAffineX(), point, 1);
      fixed(k.getW().getAffineY(), point, 33);
      w.string("nistp256").string(point);
    }
    return w.string(application).bytes();
  }

  /**
   * An armored SSHSIG over {@code message} in {@code namespace}, the authenticator reporting {@code
   * flags} (a touch: {@link #USER_PRESENT}; a PIN too: {@link #USER_VERIFIED}).
   */
  public String sign(byte[] message, String namespace, int flags) throws Exception {
    byte[] toSign =
        new Wire()
            .raw("SSHSIG".getBytes(StandardCharsets.US_ASCII))
            .string(namespace)
            .string(new byte[0])
            .string("sha512")
            .string(MessageDigest.getInstance("SHA-512").digest(message))
            .bytes();
    counter++;
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] signedByTheKey =
        ByteBuffer.allocate(69)
            .put(sha256.digest(application.getBytes(StandardCharsets.UTF_8)))
            .put((byte) flags)
            .putInt((int) counter)
            .put(sha256.digest(toSign))
            .array();
    byte[] raw;
    if (type.startsWith("sk-ssh-ed25519")) {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(pair.getPrivate());
      s.update(signedByTheKey);
      raw = s.sign();
    } else {
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(pair.getPrivate());
      s.update(signedByTheKey);
      byte[] rs = s.sign();
      raw =
          new Wire()
              .mpint(new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)))
              .mpint(new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)))
              .bytes();
    }
    byte[] sigBlob =
        new Wire().string(type).string(raw).raw(new byte[] {(byte) flags}).uint32(counter).bytes();
    byte[] blob =
        new Wire()
            .raw("SSHSIG".getBytes(StandardCharsets.US_ASCII))
            .uint32(1)
            .string(publicBlob())
            .string(namespace)
            .string(new byte[0])
            .string("sha512")
            .string(sigBlob)
            .bytes();
    String b64 = Base64.getEncoder().encodeToString(blob);
    StringBuilder armored = new StringBuilder("-----BEGIN SSH SIGNATURE-----\n");
    for (int i = 0; i < b64.length(); i += 70) {
      armored.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
    }
    return armored.append("-----END SSH SIGNATURE-----\n").toString();
  }

  private static void fixed(BigInteger v, byte[] out, int at) {
    byte[] b = v.toByteArray();
    int skip = b.length > 32 ? b.length - 32 : 0;
    System.arraycopy(b, skip, out, at + 32 - (b.length - skip), b.length - skip);
  }

  /** SSH wire encoding (RFC 4251), written here again rather than borrowed from agentcli. */
  private static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Wire raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Wire uint32(long v) {
      return raw(ByteBuffer.allocate(4).putInt((int) v).array());
    }

    Wire string(byte[] b) {
      return uint32(b.length).raw(b);
    }

    Wire string(String s) {
      return string(s.getBytes(StandardCharsets.UTF_8));
    }

    Wire mpint(BigInteger v) {
      return string(v.signum() == 0 ? new byte[0] : v.toByteArray());
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
