package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.Grant;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcApprovalStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Grants written straight into a home's database with a signature a test made (a software security
 * key, a software passkey): what approve would write had that key signed, for the claim to judge.
 */
final class ForgedGrants {
  private final Cli cli;
  private final Path bob;

  ForgedGrants(Cli cli) throws Exception {
    this.cli = cli;
    this.bob = TestFiles.ed25519(cli.home, "bob_ed25519");
    assertThat(cli.run("signers", "add", "bob", bob + ".pub")).succeeds();
  }

  /** A grant for {@code task}'s exact binding, by another signer, withdrawn: the shape to copy. */
  Grant template(String manifest, String task) {
    String id = cli.approveSigned(manifest, task, "bob", bob);
    assertThat(cli.run("approvals", "revoke", id, "--by", "bob")).succeeds();
    try (Database db = Database.open(cli.db, Duration.ofSeconds(5))) {
      return new JdbcApprovalStore(db).find(new ApprovalId(id)).orElseThrow();
    }
  }

  /** {@code template} as a new pending grant by {@code approver}, not yet signed. */
  Grant by(Grant template, String approver) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("approval_id", ApprovalId.random(new SecureRandom()).value());
    fields.put("approver", approver);
    fields.put("granted_at", Timestamps.format(cli.now()));
    fields.put("expires_at", Timestamps.format(cli.now().plus(Duration.ofMinutes(10))));
    fields.put("revoked_at", null);
    fields.put("consumed_at", null);
    return TestGrants.with(template, fields);
  }

  /** Stores {@code g}; its id. */
  String store(Grant g) {
    try (Database db = Database.open(cli.db, Duration.ofSeconds(5))) {
      new JdbcApprovalStore(db).insert(g);
    }
    return g.approvalId().value();
  }
}
