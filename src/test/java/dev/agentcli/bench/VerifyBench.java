package dev.agentcli.bench;

import dev.agentcli.TestGrants;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Microbenchmark: one in-process verification of a signed grant (parse the armored SSHSIG,
 * recompute the payload, verify, check allowed_signers) against the baseline of the JDK's bare
 * signature check of the same bytes. Run by bench/verify.sh.
 */
public final class VerifyBench {
  private VerifyBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("agentcli-verify-bench");
    String type = args.length > 0 ? args[0] : "ed25519";
    Path key = dir.resolve("key");
    Process kg =
        new ProcessBuilder(
                "ssh-keygen", "-q", "-t", type, "-N", "", "-C", "bench", "-f", key.toString())
            .inheritIO()
            .start();
    if (kg.waitFor() != 0) {
      throw new IllegalStateException("ssh-keygen failed");
    }
    Instant t0 = Instant.parse("2026-11-26T12:00:00.000Z");
    Grant unsigned =
        TestGrants.with(
            TestGrants.pending(t0, Duration.ofHours(1)),
            Map.of(
                "task_binding",
                "{\"args\":[],\"cwd\":\"/tmp\"}",
                "approver",
                "bench",
                "unsigned_explicit",
                false));
    Grant signed = TestGrants.signed(unsigned, key);
    byte[] bytes = signed.signature().signedPayload().getBytes(StandardCharsets.UTF_8);
    SshSignature parsed = SshSignature.parseArmored(signed.signature().signature());
    AllowedSigners trust =
        AllowedSigners.parse(
            "bench namespaces=\"agentcli\" " + Files.readString(Path.of(key + ".pub")), "bench");
    GrantVerifier verifier =
        new GrantVerifier(() -> trust, dev.agentcli.approval.GrantVerifierIT.NO_PASSKEYS);

    // Cold: the first verification in a fresh JVM, as one exec pays it.
    long cold = System.nanoTime();
    if (!verifier.verify(signed, false, t0).valid()) {
      throw new IllegalStateException("does not verify");
    }
    cold = System.nanoTime() - cold;

    int n = type.equals("rsa") ? 2_000 : 5_000;
    double baseline =
        median(
            () -> {
              if (!parsed.verifies(bytes, "agentcli")) {
                throw new IllegalStateException();
              }
            },
            n);
    double full =
        median(
            () -> {
              if (!verifier.verify(signed, false, t0).valid()) {
                throw new IllegalStateException();
              }
            },
            n);
    System.out.printf("key type: %s, java %s%n", type, System.getProperty("java.version"));
    System.out.printf("first verification in a fresh JVM (cold):  %8.1f us%n", cold / 1000.0);
    System.out.printf("SSHSIG signature check alone (baseline):   %8.1f us%n", baseline);
    System.out.printf("full grant verification (warm):            %8.1f us%n", full);
    System.out.printf("ratio full / baseline: %.2f%n", full / baseline);
  }

  /** Median over 7 batches of the mean time per call, in microseconds, after a warm-up batch. */
  static double median(Runnable op, int perBatch) {
    double[] batches = new double[8];
    for (int b = 0; b < batches.length; b++) {
      long start = System.nanoTime();
      for (int i = 0; i < perBatch; i++) {
        op.run();
      }
      batches[b] = (System.nanoTime() - start) / 1000.0 / perBatch;
    }
    double[] measured = Arrays.copyOfRange(batches, 1, batches.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }
}
