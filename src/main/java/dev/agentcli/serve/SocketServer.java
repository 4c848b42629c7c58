package dev.agentcli.serve;

import dev.agentcli.codec.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The hook and the health check on a Unix socket ({@code serve --socket}), for local clients that
 * would rather trust the file system than a token: the socket is made in a folder only its owner
 * may enter and is itself 0600, so only that user (and root) can connect, and no bearer token is
 * asked. It speaks just enough HTTP/1.1 for one request per connection ({@code curl
 * --unix-socket}): a request line, headers up to 16 KiB, a body of {@code Content-Length} bytes.
 * The JDK's HTTP server cannot listen on a Unix socket; this is the part written by hand, small on
 * purpose, and it fails closed like the TCP side: what it cannot read is a 400, an event it cannot
 * read a deny.
 */
final class SocketServer implements AutoCloseable {
  private static final int MAX_HEAD = 16 * 1024;

  private final Path path;
  private final ServerSocketChannel channel;
  private final ExecutorService workers;
  private final Function<InputStream, Map<String, Object>> hook;
  private final Thread acceptor;

  SocketServer(Path path, ExecutorService workers, Function<InputStream, Map<String, Object>> hook)
      throws IOException {
    this.path = path.toAbsolutePath();
    this.workers = workers;
    this.hook = hook;
    Path dir = this.path.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).endsWith("------")) {
      throw new IOException(dir + " must be closed to other users (0700) to hold the socket");
    }
    Files.deleteIfExists(this.path); // a socket left by a server that died
    this.channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    channel.bind(UnixDomainSocketAddress.of(this.path));
    Files.setPosixFilePermissions(this.path, PosixFilePermissions.fromString("rw-------"));
    this.acceptor = new Thread(this::accept, "agentcli-serve-socket");
    acceptor.setDaemon(true);
  }

  void start() {
    acceptor.start();
  }

  private void accept() {
    while (channel.isOpen()) {
      SocketChannel client;
      try {
        client = channel.accept();
      } catch (IOException closed) {
        return;
      }
      try {
        workers.execute(() -> serve(client));
      } catch (RejectedExecutionException busy) {
        try (client) {
          reply(client, 503, Map.of("ok", false, "error", "agentcli serve is busy"));
        } catch (IOException gone) {
          // nothing to tell
        }
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      InputStream in = Channels.newInputStream(client);
      String head = head(in);
      if (head == null) {
        reply(client, 400, Map.of("ok", false, "error", "not an HTTP request"));
        return;
      }
      String[] lines = head.split("\r\n");
      String[] request = lines[0].split(" ");
      long length = 0;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i].toLowerCase(Locale.ROOT);
        if (line.startsWith("content-length:")) {
          length = Long.parseLong(line.substring(15).strip());
        } else if (line.startsWith("transfer-encoding:")) {
          reply(client, 411, Map.of("ok", false, "error", "send a Content-Length"));
          return;
        }
      }
      if (request.length != 3 || length < 0) {
        reply(client, 400, Map.of("ok", false, "error", "not an HTTP request"));
      } else if (request[0].equals("GET") && request[1].equals(HookServer.HEALTH_PATH)) {
        reply(client, 200, Map.of("ok", true, "pid", ProcessHandle.current().pid()));
      } else if (request[0].equals("POST") && request[1].equals(HookServer.HOOK_PATH)) {
        reply(client, 200, hook.apply(new Bounded(in, length)));
      } else {
        reply(client, 404, Map.of("ok", false, "error", "no such endpoint"));
      }
    } catch (IOException | RuntimeException gone) {
      // the client went away or sent nonsense: the connection ends
    }
  }

  /** The request line and headers, without the blank line; null past {@link #MAX_HEAD}. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (head.size() < MAX_HEAD) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
      }
    }
    return null;
  }

  private static void reply(SocketChannel client, int status, Map<String, Object> json)
      throws IOException {
    byte[] body = (Json.compact(json) + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + (status == 200 ? " OK" : " Error")
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    ByteBuffer out = ByteBuffer.allocate(head.length() + body.length);
    out.put(head.getBytes(StandardCharsets.ISO_8859_1)).put(body).flip();
    while (out.hasRemaining()) {
      client.write(out);
    }
  }

  /** The body: at most {@code length} bytes of the connection. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long left;

    Bounded(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      left = b < 0 ? 0 : left - 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      left = n < 0 ? 0 : left - n;
      return n;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
      Files.deleteIfExists(path);
    } catch (IOException gone) {
      // already closed
    }
  }
}
