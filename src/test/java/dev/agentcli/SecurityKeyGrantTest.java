package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.signing.SoftwareSecurityKey;
import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: a grant signed with a FIDO security key (here a software one following PROTOCOL.u2f) is
 * used like any signed grant when the key was touched, refused when it was not, and, where the
 * trust store says verify-required, only when the key also checked a PIN.
 */
class SecurityKeyGrantTest {
  @TempDir Path home;
  Cli cli;
  String manifest;
  SoftwareSecurityKey yubikey;
  Grant template;
  ForgedGrants grants;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    manifest = cli.manifest("m.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "deployed"));
    grants = new ForgedGrants(cli);
    template = grants.template(manifest, "deploy");
    yubikey = SoftwareSecurityKey.ed25519();
  }

  void trustTheYubikey(String... options) throws Exception {
    Path pub = Files.writeString(home.resolve("sk.pub"), yubikey.publicKeyLine("yubikey") + "\n");
    String[] args = new String[3 + options.length];
    args[0] = "signers";
    args[1] = "add";
    args[2] = "alice";
    System.arraycopy(options, 0, args, 3, options.length);
    Cli.Result added = cli.run(concat(args, pub.toString()));
    assertThat(added).succeeds();
    assertEquals(true, added.json().path("signer").path("security_key").asBoolean());
  }

  static String[] concat(String[] a, String last) {
    String[] all = java.util.Arrays.copyOf(a, a.length + 1);
    all[a.length] = last;
    return all;
  }

  /** A grant for the task as alice, signed on the security key with {@code flags}, stored. */
  String signedOnTheKey(int flags) throws Exception {
    Grant g = grants.by(template, "alice");
    String payload = GrantPayload.of(g);
    String armored =
        yubikey.sign(payload.getBytes(StandardCharsets.UTF_8), GrantPayload.NAMESPACE, flags);
    return grants.store(
        g.withSignature(
            new Grant.Signature(
                GrantVerifier.METHOD,
                SshSignature.parseArmored(armored).publicKey().fingerprint(),
                GrantPayload.NAMESPACE,
                payload,
                armored)));
  }

  String why(Cli.Result r) {
    return r.error().path("details").toString();
  }

  @Test
  void aTouchCountsAndNoTouchDoesNot() throws Exception {
    trustTheYubikey();
    String untouched = signedOnTheKey(0);
    Cli.Result refused = cli.run("exec", manifest, "deploy");
    assertThat(refused).fails(77, "approval_signature_invalid");
    assertTrue(why(refused).contains("without a touch"), refused.toString());
    assertEquals(
        "pending",
        cli.run("approvals", "show", untouched).json().path("approval").path("status").asText());
    assertThat(cli.run("approvals", "revoke", untouched, "--by", "alice")).succeeds();

    String touched = signedOnTheKey(SoftwareSecurityKey.USER_PRESENT);
    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    assertEquals(touched, ran.json().path("approval_used").path("approval_id").asText());
    assertEquals("deployed\n", ran.json().path("result").path("stdout").asText());
    // Offline, later: the used grant's signature still checks out against the trust store.
    assertThat(cli.run("approvals", "verify", touched)).succeeds();
  }

  @Test
  void verifyRequiredWantsThePinToo() throws Exception {
    trustTheYubikey("--verify-required");
    signedOnTheKey(SoftwareSecurityKey.USER_PRESENT);
    Cli.Result refused = cli.run("exec", manifest, "deploy");
    assertThat(refused).fails(77, "approval_signature_invalid");
    assertTrue(why(refused).contains("verify-required"), refused.toString());

    String withPin =
        signedOnTheKey(SoftwareSecurityKey.USER_PRESENT | SoftwareSecurityKey.USER_VERIFIED);
    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    assertEquals(withPin, ran.json().path("approval_used").path("approval_id").asText());
  }
}
