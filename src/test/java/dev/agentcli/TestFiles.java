package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Files the subprocess tests make: SSH keys with the real ssh-keygen, copies of folders. */
public final class TestFiles {
  private TestFiles() {}

  /** A new Ed25519 key without a passphrase at {@code dir/name} (and {@code .pub}). */
  public static Path ed25519(Path dir, String name) throws Exception {
    Path k = dir.resolve(name);
    Jvm.Done d =
        sh(
            Map.of(),
            new byte[0],
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            name,
            "-f",
            k.toString());
    assertThat(d).succeeds();
    return k;
  }

  /** Copies the file or folder {@code from} to {@code to}, folders created as needed. */
  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = Files.isDirectory(from) ? to.resolve(from.relativize(p).toString()) : to;
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.toAbsolutePath().getParent());
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Runs {@code cmd} with {@code env} added and {@code stdin} given; its status and output. */
  public static Jvm.Done sh(Map<String, String> env, byte[] stdin, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(stdin);
    }
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hung: " + String.join(" ", cmd));
    return new Jvm.Done(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }
}
