package dev.agentcli.signing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads and writes the SSH wire encoding (RFC 4251): uint32, string and mpint. */
final class SshWire {
  private SshWire() {}

  /** Reads fields in order from a byte array, refusing anything truncated or oversized. */
  static final class Reader {
    private final ByteBuffer buffer;

    Reader(byte[] bytes) {
      this.buffer = ByteBuffer.wrap(bytes);
    }

    int uint32() {
      need(4);
      return buffer.getInt();
    }

    byte[] bytes(int n) {
      need(n);
      byte[] out = new byte[n];
      buffer.get(out);
      return out;
    }

    byte[] string() {
      int n = uint32();
      if (n < 0) {
        throw new MalformedException("string length out of range");
      }
      return bytes(n);
    }

    String text() {
      return new String(string(), StandardCharsets.UTF_8);
    }

    BigInteger mpint() {
      byte[] b = string();
      return b.length == 0 ? BigInteger.ZERO : new BigInteger(b);
    }

    boolean done() {
      return !buffer.hasRemaining();
    }

    private void need(int n) {
      if (n < 0 || buffer.remaining() < n) {
        throw new MalformedException("truncated SSH data");
      }
    }
  }

  /** Builds SSH wire data. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Writer string(byte[] bytes) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      out.writeBytes(bytes);
      return this;
    }

    Writer string(String text) {
      return string(text.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** SSH data that does not parse: a bad key, a bad signature. */
  static final class MalformedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }
}
