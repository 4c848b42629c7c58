package dev.agentcli.signing;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Signs with {@code ssh-keygen -Y sign}, which reads every OpenSSH key format and uses ssh-agent
 * for keys that are held there (passphrase-protected keys), exactly as git does. Signing happens
 * once per approval; verification never runs a subprocess.
 */
public final class SshKeygenSigner {
  private static final long TIMEOUT_S = 120;

  private final Map<String, String> env;

  /**
   * @param env the environment ssh-keygen runs with (SSH_AUTH_SOCK reaches the agent)
   */
  public SshKeygenSigner(Map<String, String> env) {
    this.env = Map.copyOf(env);
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
