package dev.agentcli.signing;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Signs with {@code ssh-keygen -Y sign}, which reads every OpenSSH key format and uses ssh-agent
 * for keys that are held there (passphrase-protected keys), exactly as git does. Signing happens
 * once per approval; verification never runs a subprocess.
 */
public final class SshKeygenSigner {
  private static final long TIMEOUT_S = 120;

  private final Map<String, String> env;
  private final Consumer<String> person;

  /**
   * @param env the environment ssh-keygen runs with (SSH_AUTH_SOCK reaches the agent)
   */
  public SshKeygenSigner(Map<String, String> env) {
    this(env, prompt -> {});
  }

  /**
   * @param person where the person signing is told to touch a security key (ssh-keygen's own prompt
   *     goes to its stderr, which is read for errors)
   */
  public SshKeygenSigner(Map<String, String> env, Consumer<String> person) {
    this.env = Map.copyOf(env);
    this.person = person;
  }

  /** The public key beside {@code key} (or {@code key} itself, a .pub); empty when unreadable. */
  private static Optional<SshPublicKey> publicKeyOf(Path key) {
    Path pub = key.toString().endsWith(".pub") ? key : Path.of(key + ".pub");
    try {
      return Optional.of(SshPublicKey.parseOpenSsh(Files.readString(pub)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Signs {@code message} with {@code key} (a private key file, or a {@code .pub} file whose
   * private key is in ssh-agent) in {@code namespace}.
   *
   * @return the armored signature, checked to verify
   * @throws AgentCliException {@code approval_signature_invalid} saying why signing failed
   */
  public String sign(byte[] message, Path key, String namespace) {
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of("ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", key.toString()));
    pb.environment().clear();
    pb.environment().putAll(env);
    publicKeyOf(key)
        .filter(SshPublicKey::securityKey)
        .ifPresent(
            k ->
                person.accept(
                    "agentcli: touch your security key to sign ("
                        + k.type()
                        + " "
                        + k.fingerprint()
                        + ")"));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw failure("cannot run ssh-keygen (is OpenSSH installed?): " + e.getMessage(), key);
    }
    CompletableFuture<byte[]> out =
        CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(message);
    } catch (IOException e) {
      // ssh-keygen exited before reading: its status and stderr say why.
    }
    try {
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw failure("ssh-keygen did not finish within " + TIMEOUT_S + "s", key);
      }
      String stderr = new String(err.get(), StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw failure("ssh-keygen could not sign with " + key + ": " + stderr, key);
      }
      String armored = new String(out.get(), StandardCharsets.UTF_8);
      if (!SshSignature.parseArmored(armored).verifies(message, namespace)) {
        throw failure("ssh-keygen's signature does not verify", key);
      }
      return armored;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while signing", key);
    } catch (ExecutionException | SshWire.MalformedException e) {
      throw failure("unreadable signature from ssh-keygen: " + e.getMessage(), key);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static AgentCliException failure(String why, Path key) {
    return new AgentCliException(
        ErrorCode.APPROVAL_SIGNATURE_INVALID,
        "signing failed, nothing was written: " + why,
        Map.of("signing_key", key.toString()));
  }
}
