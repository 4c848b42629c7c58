package dev.agentcli.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentcli.TestClock;
import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adding and removing trusted keys, on a real allowed_signers file, with each change audited. */
class TrustStoreTest {
  static final String ALICE_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJkBbdvbTvFCH89WT/bMnzA3KEowd3H3EALCkAxxq8yY laptop";
  static final String BOB_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMdgieXoO4w31KGIbggw643GxsAsXyu3rffk+1rimUSx";

  @TempDir Path dir;

  /** An audit trail in memory: what the trust store appended, in order. */
  static final class Recorded implements AuditLog {
    final List<AuditEvent> events = new ArrayList<>();

    @Override
    public long append(AuditEvent event) {
      events.add(event);
      return events.size();
    }

    @Override
    public void forEach(AuditQuery query, Consumer<AuditEvent> sink) {
      events.forEach(sink);
    }

    @Override
    public Optional<Anchor> head(Instant at) {
      return Optional.empty();
    }

    @Override
    public void requireAnchored(Anchor anchor) {}
  }

  final Recorded audit = new Recorded();

  TrustStore store() {
    return new TrustStore(
        new AllowedSignersFile(dir.resolve("allowed_signers")),
        audit,
        TestClock.at(TestClock.T0),
        "agentcli");
  }

  Path keyFile(String name, String line) throws Exception {
    return Files.writeString(dir.resolve(name), line + "\n");
  }

  @Test
  void aKeyAddedIsTrustedInTheNamespaceOnlyAndAudited() throws Exception {
    TrustStore store = store();
    AllowedSigners.Entry e = store.add("alice@example.com", keyFile("a.pub", ALICE_KEY), false);
    assertEquals(List.of("alice@example.com"), e.principals());
    assertEquals(List.of("agentcli"), e.namespaces());
    String written = Files.readString(dir.resolve("allowed_signers"));
    assertEquals(
        "alice@example.com namespaces=\"agentcli\" " + ALICE_KEY + "\n", written, "comment kept");
    AuditEvent event = audit.events.get(0);
    assertEquals("signer_added", event.eventType());
    assertEquals("alice@example.com", event.actor());
    assertEquals(e.key().fingerprint(), event.details().get("key_fingerprint"));
  }

  @Test
  void aMalformedPrincipalOrKeyIsAnInputErrorAndChangesNothing() throws Exception {
    TrustStore store = store();
    for (String principal : new String[] {"a b", "a,b", "*", "\"q\""}) {
      AgentCliException e =
          assertThrows(
              AgentCliException.class,
              () -> store.add(principal, keyFile("a.pub", ALICE_KEY), false));
      assertEquals(ErrorCode.INPUT_INVALID, e.code(), principal);
    }
    assertEquals(
        ErrorCode.INPUT_INVALID,
        assertThrows(
                AgentCliException.class, () -> store.add("bob", keyFile("b.pub", "junk"), false))
            .code());
    assertEquals(List.of(), audit.events);
    assertEquals(false, Files.exists(dir.resolve("allowed_signers")));
  }

  @Test
  void removeTakesOneKeyOrAllOfAPrincipalsAndAuditsEach() throws Exception {
    TrustStore store = store();
    store.add("alice", keyFile("a.pub", ALICE_KEY), false);
    AllowedSigners.Entry bob = store.add("alice", keyFile("b.pub", BOB_KEY), false);
    List<AllowedSigners.Entry> one = store.remove("alice", Optional.of(bob.key().fingerprint()));
    assertEquals(
        List.of(bob.key().fingerprint()), one.stream().map(e -> e.key().fingerprint()).toList());
    assertEquals(1, store.remove("alice", Optional.empty()).size());
    assertEquals(
        List.of("signer_added", "signer_added", "signer_removed", "signer_removed"),
        audit.events.stream().map(AuditEvent::eventType).toList());
    AgentCliException none =
        assertThrows(AgentCliException.class, () -> store.remove("alice", Optional.empty()));
    assertEquals(ErrorCode.SIGNER_NOT_FOUND, none.code());
  }

  /** Issue 28: passkeys join and leave the trust store like keys, audited the same way. */
  @Test
  void aPasskeyIsEnrolledAndRemovedBesideTheKeysAndAudited() throws Exception {
    TrustStore store = store();
    store.add("alice", keyFile("a.pub", ALICE_KEY), false);
    SoftwarePasskey phone = new SoftwarePasskey();
    SoftwarePasskey laptop = new SoftwarePasskey();
    AllowedPasskeys.Passkey p =
        store.enrolPasskey(
            "alice", phone.credentialId(), phone.coseKey(), "https://agentcli.example.com", true);
    store.enrolPasskey(
        "alice", laptop.credentialId(), laptop.coseKey(), "https://agentcli.example.com", false);
    assertEquals(
        phone.line("alice", "https://agentcli.example.com", ",verify-required"),
        Files.readString(dir.resolve("allowed_passkeys")).lines().findFirst().orElseThrow());
    AuditEvent added = audit.events.get(1);
    assertEquals("signer_added", added.eventType());
    assertEquals(p.fingerprint(), added.details().get("key_fingerprint"));

    // One passkey by its fingerprint; then the rest of alice's, her key with them.
    TrustStore.Removed one = store.removeAll("alice", Optional.of(p.fingerprint()));
    assertEquals(List.of(), one.keys());
    assertEquals(
        List.of(p.fingerprint()), one.passkeys().stream().map(k -> k.fingerprint()).toList());
    TrustStore.Removed rest = store.removeAll("alice", Optional.empty());
    assertEquals(1, rest.keys().size());
    assertEquals(1, rest.passkeys().size());
    assertEquals("", Files.readString(dir.resolve("allowed_passkeys")));
    assertEquals(
        List.of(
            "signer_added",
            "signer_added",
            "signer_added",
            "signer_removed",
            "signer_removed",
            "signer_removed"),
        audit.events.stream().map(AuditEvent::eventType).toList());
    assertThrows(AgentCliException.class, () -> store.removeAll("alice", Optional.empty()));
  }
}
