package dev.agentcli.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Jvm;
import dev.agentcli.TestFiles;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 28: FIDO security keys (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256) in allowed_signers. Their
 * signatures are made by a software authenticator following PROTOCOL.u2f and checked by the real
 * {@code ssh-keygen -Y verify} first, then by agentcli: the same verdicts, and the flags enforced
 * (a touch always, a PIN where the line says verify-required).
 */
class SecurityKeyTest {
  static final byte[] MESSAGE = "the grant's payload".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  static Stream<String> types() {
    return Stream.of("ed25519", "ecdsa");
  }

  static SoftwareSecurityKey key(String type) throws Exception {
    return type.equals("ed25519") ? SoftwareSecurityKey.ed25519() : SoftwareSecurityKey.ecdsa();
  }

  /** ssh-keygen -Y verify's exit status and output for {@code armored} over {@code message}. */
  String sshKeygenVerifies(String allowedLine, String armored, byte[] message) throws Exception {
    Path signers = Files.writeString(dir.resolve("allowed_signers"), allowedLine + "\n");
    Path sig = Files.writeString(dir.resolve("m.sig"), armored);
    Jvm.Done d =
        TestFiles.sh(
            Map.of(),
            message,
            "ssh-keygen",
            "-Y",
            "verify",
            "-n",
            "agentcli",
            "-I",
            "alice",
            "-f",
            signers.toString(),
            "-s",
            sig.toString());
    return d.status() + " " + (d.out() + d.err()).strip();
  }

  String sshKeygenFingerprint(String publicLine) throws Exception {
    Path pub = Files.writeString(dir.resolve("k.pub"), publicLine + "\n");
    return TestFiles.sh(Map.of(), new byte[0], "ssh-keygen", "-l", "-f", pub.toString())
        .out()
        .split(" ")[1];
  }

  @ParameterizedTest
  @MethodSource("types")
  void aTouchedSignatureVerifiesWithSshKeygenAndAgentcliAlike(String type) throws Exception {
    SoftwareSecurityKey k = key(type);
    String line = "alice namespaces=\"agentcli\" " + k.publicKeyLine("yubikey");
    String armored = k.sign(MESSAGE, "agentcli", SoftwareSecurityKey.USER_PRESENT);
    assertTrue(sshKeygenVerifies(line, armored, MESSAGE).startsWith("0 Good"), armored);

    SshSignature sig = SshSignature.parseArmored(armored);
    assertTrue(sig.verifies(MESSAGE, "agentcli"));
    assertTrue(sig.userPresent());
    assertFalse(sig.userVerified());
    assertEquals(sshKeygenFingerprint(k.publicKeyLine("x")), sig.publicKey().fingerprint());
    assertEquals("ssh:", sig.publicKey().application());
    AllowedSigners trusted = AllowedSigners.parse(line, "test");
    assertEquals(
        List.of(),
        trusted.refusal("alice", sig.publicKey(), "agentcli", Instant.now(), false).stream()
            .toList());

    // Another message, another namespace: neither verifies it.
    byte[] other = "another payload".getBytes(StandardCharsets.UTF_8);
    assertNotEquals('0', sshKeygenVerifies(line, armored, other).charAt(0));
    assertFalse(sig.verifies(other, "agentcli"));
    assertFalse(sig.verifies(MESSAGE, "git"));
  }

  @ParameterizedTest
  @MethodSource("types")
  void flagsChangedAfterSigningAreCaughtByBoth(String type) throws Exception {
    SoftwareSecurityKey k = key(type);
    String line = "alice " + k.publicKeyLine("yubikey");
    String armored = k.sign(MESSAGE, "agentcli", SoftwareSecurityKey.USER_PRESENT);
    // The flags byte sits before the counter at the end of the signature blob: claim a PIN too.
    byte[] blob =
        Base64.getDecoder()
            .decode(
                armored
                    .replace("-----BEGIN SSH SIGNATURE-----", "")
                    .replace("-----END SSH SIGNATURE-----", "")
                    .replaceAll("\\s", ""));
    blob[blob.length - 5] |= SoftwareSecurityKey.USER_VERIFIED;
    String forged =
        "-----BEGIN SSH SIGNATURE-----\n"
            + Base64.getEncoder().encodeToString(blob)
            + "\n-----END SSH SIGNATURE-----\n";
    assertNotEquals('0', sshKeygenVerifies(line, forged, MESSAGE).charAt(0));
    SshSignature sig = SshSignature.parseArmored(forged);
    assertTrue(sig.userVerified(), "the forged flag is read");
    assertFalse(sig.verifies(MESSAGE, "agentcli"), "and the signature no longer verifies");
  }

  /** The grant check refuses it (SecurityKeyGrantTest); ssh-keygen -Y verify does not look. */
  @Test
  void aSignatureWithoutATouchVerifiesButShowsNobodyWasThere() throws Exception {
    SoftwareSecurityKey k = SoftwareSecurityKey.ed25519();
    String armored = k.sign(MESSAGE, "agentcli", 0);
    assertTrue(
        sshKeygenVerifies("alice " + k.publicKeyLine("yubikey"), armored, MESSAGE)
            .startsWith("0 Good"));
    SshSignature sig = SshSignature.parseArmored(armored);
    assertTrue(sig.verifies(MESSAGE, "agentcli"), "the key did sign it");
    assertFalse(sig.userPresent(), "but nobody touched it");
  }

  @ParameterizedTest
  @MethodSource("types")
  void verifyRequiredAdmitsOnlySignaturesMadeWithAPin(String type) throws Exception {
    SoftwareSecurityKey k = key(type);
    AllowedSigners trusted =
        AllowedSigners.parse(
            "alice verify-required,namespaces=\"agentcli\" " + k.publicKeyLine("yubikey"), "test");
    assertTrue(trusted.entries().get(0).verifyRequired());
    SshSignature touched =
        SshSignature.parseArmored(k.sign(MESSAGE, "agentcli", SoftwareSecurityKey.USER_PRESENT));
    SshSignature withPin =
        SshSignature.parseArmored(
            k.sign(
                MESSAGE,
                "agentcli",
                SoftwareSecurityKey.USER_PRESENT | SoftwareSecurityKey.USER_VERIFIED));
    assertTrue(touched.verifies(MESSAGE, "agentcli") && withPin.verifies(MESSAGE, "agentcli"));
    assertTrue(
        trusted
            .refusal(
                "alice", touched.publicKey(), "agentcli", Instant.now(), touched.userVerified())
            .orElseThrow()
            .contains("verify-required"));
    assertEquals(
        java.util.Optional.empty(),
        trusted.refusal(
            "alice", withPin.publicKey(), "agentcli", Instant.now(), withPin.userVerified()));
  }

  @Test
  void verifyRequiredIsForSecurityKeysOnly() throws Exception {
    TrustStore store =
        new TrustStore(
            new AllowedSignersFile(dir.resolve("allowed_signers")),
            new TrustStoreTest.Recorded(),
            Clock.systemUTC(),
            "agentcli");
    Path plain = Files.writeString(dir.resolve("plain.pub"), TrustStoreTest.ALICE_KEY + "\n");
    AgentCliException e =
        assertThrows(AgentCliException.class, () -> store.add("alice", plain, true));
    assertEquals(ErrorCode.INPUT_INVALID, e.code());
    assertFalse(Files.exists(dir.resolve("allowed_signers")), "nothing was written");

    SoftwareSecurityKey k = SoftwareSecurityKey.ecdsa();
    Path sk = Files.writeString(dir.resolve("sk.pub"), k.publicKeyLine("yubikey") + "\n");
    AllowedSigners.Entry entry = store.add("alice", sk, true);
    assertTrue(entry.verifyRequired() && entry.key().securityKey());
    assertTrue(
        Files.readString(dir.resolve("allowed_signers"))
            .startsWith("alice verify-required,namespaces=\"agentcli\" sk-ecdsa-sha2-nistp256@"));
  }
}
