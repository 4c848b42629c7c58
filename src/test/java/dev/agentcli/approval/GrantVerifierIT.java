package dev.agentcli.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.TestClock;
import dev.agentcli.TestGrants;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.AllowedSigners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier on its own: grants signed with a key made by the real ssh-keygen, judged against a
 * trust store given as text.
 */
public class GrantVerifierIT {
  /** A passkey trust store that trusts nobody (there is no such file). */
  public static final AllowedPasskeys NO_PASSKEYS =
      new AllowedPasskeys(Path.of("target/no-such-allowed_passkeys"));

  static final Instant NOW = TestClock.T0;
  @TempDir static Path dir;
  static Path key;
  static String publicKey;

  @BeforeAll
  static void key() throws Exception {
    key = dir.resolve("id_ed25519");
    Process p =
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
            .inheritIO()
            .start();
    assertEquals(0, p.waitFor());
    publicKey = Files.readString(dir.resolve("id_ed25519.pub")).strip();
  }

  static Grant signed(Grant g) {
    return TestGrants.signed(g, key);
  }

  static Verdict verify(Grant g, String allowedSigners) {
    return new GrantVerifier(() -> AllowedSigners.parse(allowedSigners, "test"), NO_PASSKEYS)
        .verify(g, false, NOW);
  }

  static Grant alices() {
    return TestGrants.with(
        TestGrants.pending(NOW, Duration.ofMinutes(5)),
        java.util.Map.of("approver", "alice", "unsigned_explicit", false));
  }

  @Test
  void aGrantSignedByAKeyTrustedForItsApproverVerifies() {
    Grant g = signed(alices());
    Verdict v = verify(g, "alice namespaces=\"agentcli\" " + publicKey);
    assertTrue(v.valid(), v.reason());
    assertEquals(g.signature().keyFingerprint(), v.keyFingerprint());
  }

  @Test
  void aSignedFieldEditedAfterSigningIsNamedAsEdited() {
    Grant g = TestGrants.with(signed(alices()), "expires_at", "2099-01-01T00:00:00.000Z");
    Verdict v = verify(g, "alice namespaces=\"agentcli\" " + publicKey);
    assertFalse(v.valid());
    assertEquals("signed fields of the grant were changed after signing", v.reason());
    assertEquals("signature", v.rule());
  }

  @Test
  void aKeyTrustedForAnotherPrincipalOrNamespaceOrNotAtAllIsRefused() {
    Grant g = signed(alices());
    for (String trust :
        new String[] {
          "", "bob namespaces=\"agentcli\" " + publicKey, "alice namespaces=\"git\" " + publicKey
        }) {
      Verdict v = verify(g, trust);
      assertFalse(v.valid(), "trusted by: " + trust);
      assertEquals(ErrorCode.APPROVAL_SIGNATURE_INVALID, v.code());
    }
  }

  @Test
  void aGrantWithoutASignatureIsUsableOnlyWhenUnsignedByChoiceAndAllowed() {
    GrantVerifier verifier = new GrantVerifier(() -> AllowedSigners.parse("", "test"), NO_PASSKEYS);
    Grant byChoice = TestGrants.pending(NOW, Duration.ofMinutes(5));
    assertTrue(verifier.verify(byChoice, true, NOW).valid());
    assertFalse(verifier.verify(byChoice, false, NOW).valid());
    Grant stripped = TestGrants.with(byChoice, "unsigned_explicit", false);
    assertEquals("the grant has no signature", verifier.verify(stripped, true, NOW).reason());
  }
}
