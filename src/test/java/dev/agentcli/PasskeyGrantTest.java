package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.signing.PasskeySignature;
import dev.agentcli.signing.SoftwarePasskey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: what the claim makes of a grant a passkey signed (a software one here; InboxIT has a
 * real browser sign): used when the passkey signed exactly its payload, present, at the origin it
 * was enrolled for, as a principal it is trusted for, and verified where the risk or the line asks;
 * refused, and named, otherwise.
 */
class PasskeyGrantTest {
  static final String ORIGIN = "https://agentcli.example.com";

  @TempDir java.nio.file.Path home;
  Cli cli;
  String manifest;
  ForgedGrants grants;
  SoftwarePasskey passkey;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    manifest =
        cli.manifest(
            "m.json",
            """
            {"version": "0.2", "workflows": [{"id": "w", "tasks": [
              {"id": "deploy", "shell": {"program": "echo", "args": ["deployed"]},
               "approval": {"policy": "manual", "risk_level": "high"}},
              {"id": "lint", "shell": {"program": "echo", "args": ["linted"]},
               "approval": {"policy": "manual", "risk_level": "low"}}
            ]}]}
            """);
    grants = new ForgedGrants(cli);
    passkey = new SoftwarePasskey();
  }

  void trust(String principal, String options) throws Exception {
    Files.writeString(
        home.resolve("allowed_passkeys"), passkey.line(principal, ORIGIN, options) + "\n");
  }

  /** A grant for {@code task} as alice; the passkey signs {@code signed}'s digest at {@code at}. */
  String signed(Grant template, String signedText, String at, int flags) throws Exception {
    Grant g = grants.by(template, "alice");
    String payload = GrantPayload.of(g);
    byte[] what = (signedText == null ? payload : signedText).getBytes(StandardCharsets.UTF_8);
    return store(g, passkey.assertion(PasskeySignature.challenge(what), at, flags));
  }

  /** Stores {@code g} with {@code made} as its passkey signature; its id. */
  String store(Grant g, PasskeySignature made) {
    return grants.store(
        g.withSignature(
            new Grant.Signature(
                PasskeySignature.METHOD,
                "passkey:"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(made.credentialId()),
                GrantPayload.NAMESPACE,
                GrantPayload.of(g),
                made.json())));
  }

  /** Why exec refused each grant it found, by grant id. */
  java.util.Map<String, String> refusals(String task) {
    Cli.Result r = cli.run("exec", manifest, task);
    assertThat(r).fails(77, "approval_signature_invalid");
    java.util.Map<String, String> why = new java.util.HashMap<>();
    r.error()
        .path("details")
        .path("rejected")
        .forEach(g -> why.put(g.path("approval_id").asText(), g.path("reason").asText()));
    return why;
  }

  String refusal(String task) {
    return String.join("\n", refusals(task).values());
  }

  @Test
  void aGrantThePasskeySignedRunsAndChecksOutOffline() throws Exception {
    trust("alice", "");
    Grant deploy = grants.template(manifest, "deploy");
    String id =
        signed(deploy, null, ORIGIN, SoftwarePasskey.USER_PRESENT | SoftwarePasskey.USER_VERIFIED);
    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    assertEquals(id, ran.json().path("approval_used").path("approval_id").asText());
    assertThat(cli.run("approvals", "verify", id)).succeeds();
  }

  @Test
  void whatThePasskeyDidNotSignExactlyThereAndThenIsRefused() throws Exception {
    trust("alice", "");
    Grant deploy = grants.template(manifest, "deploy");
    int both = SoftwarePasskey.USER_PRESENT | SoftwarePasskey.USER_VERIFIED;
    String otherPayload = signed(deploy, "another payload", ORIGIN, both);
    String otherOrigin = signed(deploy, null, "https://evil.example", both);
    String noTouch = signed(deploy, null, ORIGIN, SoftwarePasskey.USER_VERIFIED);
    String noPin = signed(deploy, null, ORIGIN, SoftwarePasskey.USER_PRESENT);
    java.util.Map<String, String> why = refusals("deploy");
    assertEquals(4, why.size(), why.toString());
    assertTrue(why.get(otherPayload).contains("challenge"), why.toString());
    assertTrue(
        why.get(otherOrigin).toLowerCase(java.util.Locale.ROOT).contains("origin"), why.toString());
    assertTrue(why.get(noTouch).contains("UP flag"), why.toString());
    assertTrue(why.get(noPin).contains("UV flag"), why.toString());
  }

  @Test
  void aLowRiskTaskTakesPresenceAloneUnlessTheLineSaysVerifyRequired() throws Exception {
    trust("alice", "");
    Grant lint = grants.template(manifest, "lint");
    signed(lint, null, ORIGIN, SoftwarePasskey.USER_PRESENT);
    assertThat(cli.run("exec", manifest, "lint")).succeeds();

    trust("alice", ",verify-required");
    signed(lint, null, ORIGIN, SoftwarePasskey.USER_PRESENT);
    assertTrue(refusal("lint").contains("UV flag"));
  }

  @Test
  void aPasskeyTrustedForSomeoneElseDoesNotSignForAlice() throws Exception {
    trust("bob", "");
    Grant lint = grants.template(manifest, "lint");
    signed(lint, null, ORIGIN, SoftwarePasskey.USER_PRESENT | SoftwarePasskey.USER_VERIFIED);
    assertTrue(refusal("lint").contains("is trusted as 'bob', not as 'alice'"));
  }

  /** A grant for {@code template} as alice, its assertion made exactly, then {@code edit}ed. */
  String editedAfterSigning(Grant template, java.util.function.UnaryOperator<PasskeySignature> edit)
      throws Exception {
    Grant g = grants.by(template, "alice");
    byte[] payload = GrantPayload.of(g).getBytes(StandardCharsets.UTF_8);
    return store(
        g,
        edit.apply(
            passkey.assertion(
                PasskeySignature.challenge(payload), ORIGIN, SoftwarePasskey.USER_PRESENT)));
  }

  static byte[] flipped(byte[] data, int at, int bits) {
    byte[] copy = data.clone();
    copy[at] ^= (byte) bits;
    return copy;
  }

  static byte[] replaced(byte[] clientData, String regex, String with) {
    return new String(clientData, StandardCharsets.UTF_8)
        .replaceFirst(regex, with)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anAssertionEditedInTheDatabaseIsNeverConsumed() throws Exception {
    trust("alice", "");
    Grant lint = grants.template(manifest, "lint");
    byte[] stranger = new SoftwarePasskey().credentialId();
    java.util.Map<String, String> edited = new java.util.LinkedHashMap<>();
    edited.put(
        "flags",
        editedAfterSigning(
            lint,
            a ->
                new PasskeySignature(
                    a.credentialId(),
                    flipped(a.authenticatorData(), 32, SoftwarePasskey.USER_VERIFIED),
                    a.clientDataJson(),
                    a.signature())));
    edited.put(
        "counter",
        editedAfterSigning(
            lint,
            a ->
                new PasskeySignature(
                    a.credentialId(),
                    flipped(a.authenticatorData(), 36, 1),
                    a.clientDataJson(),
                    a.signature())));
    edited.put(
        "challenge",
        editedAfterSigning(
            lint,
            a ->
                new PasskeySignature(
                    a.credentialId(),
                    a.authenticatorData(),
                    replaced(
                        a.clientDataJson(), "\"challenge\":\"[^\"]*\"", "\"challenge\":\"AAAA\""),
                    a.signature())));
    edited.put(
        "origin",
        editedAfterSigning(
            lint,
            a ->
                new PasskeySignature(
                    a.credentialId(),
                    a.authenticatorData(),
                    replaced(a.clientDataJson(), ORIGIN, "https://agentcli.example.org"),
                    a.signature())));
    edited.put(
        "credential",
        editedAfterSigning(
            lint,
            a ->
                new PasskeySignature(
                    stranger, a.authenticatorData(), a.clientDataJson(), a.signature())));
    java.util.Map<String, String> why = refusals("lint");
    assertEquals(edited.size(), why.size(), why.toString());
    for (String id : edited.values()) {
      assertTrue(why.containsKey(id), why.toString());
      assertEquals(
          "pending",
          cli.run("approvals", "show", id).json().path("approval").path("status").asText());
    }
    assertTrue(
        why.get(edited.get("credential")).contains("is not in allowed_passkeys"), why.toString());
    assertTrue(why.get(edited.get("challenge")).contains("challenge"), why.toString());
    assertTrue(why.get(edited.get("origin")).contains("origin"), why.toString());
    // The same, unedited, is used.
    String exact = editedAfterSigning(lint, a -> a);
    Cli.Result ran = cli.run("exec", manifest, "lint");
    assertThat(ran).succeeds();
    assertEquals(exact, ran.json().path("approval_used").path("approval_id").asText());
  }

  /** Which risks need a verified user is the operator's to say (passkey_user_verification). */
  @Test
  void theRisksThatNeedAVerifiedUserAreConfigurable() throws Exception {
    trust("alice", "");
    Grant lint = grants.template(manifest, "lint");
    Grant g = grants.by(lint, "alice");
    PasskeySignature touched =
        passkey.assertion(
            PasskeySignature.challenge(GrantPayload.of(g).getBytes(StandardCharsets.UTF_8)),
            ORIGIN,
            SoftwarePasskey.USER_PRESENT);
    Grant signed =
        g.withSignature(
            new Grant.Signature(
                PasskeySignature.METHOD,
                "passkey:"
                    + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(touched.credentialId()),
                GrantPayload.NAMESPACE,
                GrantPayload.of(g),
                touched.json()));
    dev.agentcli.signing.AllowedPasskeys keys =
        new dev.agentcli.signing.AllowedPasskeys(home.resolve("allowed_passkeys"));
    java.util.function.Supplier<dev.agentcli.signing.AllowedSigners> none =
        () -> dev.agentcli.signing.AllowedSigners.parse("", "test");
    assertTrue(
        new dev.agentcli.approval.GrantVerifier(none, keys)
            .verify(signed, false, cli.now())
            .valid(),
        "a low risk needs no verified user by default");
    dev.agentcli.approval.Verdict strict =
        new dev.agentcli.approval.GrantVerifier(none, keys, java.util.Set.of("low"))
            .verify(signed, false, cli.now());
    assertTrue(!strict.valid() && strict.reason().contains("UV flag"), strict.reason());
  }
}
