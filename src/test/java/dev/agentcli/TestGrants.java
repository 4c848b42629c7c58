package dev.agentcli;

import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantFields;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.signing.SshKeygenSigner;
import dev.agentcli.signing.SshSignature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Grants for tests, by field name ({@link GrantFields} names them): a test says only the fields it
 * cares about, so that a new grant field never touches it.
 */
public final class TestGrants {
  public static final String HASH = "sha256:" + "ab".repeat(32);
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestGrants() {}

  /**
   * A pending, unsigned-by-choice grant by alice of {@code wf/task} at {@link #HASH}, approved at
   * {@code grantedAt} for {@code ttl}.
   */
  public static Grant pending(Instant grantedAt, Duration ttl) {
    Map<String, Object> f = new HashMap<>();
    f.put("approval_id", ApprovalId.random(RANDOM).value());
    f.put("record_version", Grant.RECORD_VERSION);
    f.put("workflow_id", "wf");
    f.put("task_id", "task");
    f.put("task_hash", HASH);
    f.put("task_binding", "{}");
    f.put("risk_level", "high");
    f.put("approver", "alice");
    f.put("reason", "because");
    f.put("granted_at", Timestamps.format(grantedAt));
    f.put("expires_at", Timestamps.format(grantedAt.plus(ttl)));
    f.put("unsigned_explicit", true);
    return GrantFields.of(f::get);
  }

  /** {@code g} with the fields {@code changes} names set to their values. */
  public static Grant with(Grant g, Map<String, Object> changes) {
    Map<String, Object> f = new HashMap<>(GrantFields.all(g));
    f.putAll(changes);
    return GrantFields.of(f::get);
  }

  /** {@code g} signed with the private key {@code key} by the real ssh-keygen, as approve signs. */
  public static Grant signed(Grant g, Path key) {
    String payload = GrantPayload.of(g);
    String armored =
        new SshKeygenSigner(System.getenv())
            .sign(payload.getBytes(StandardCharsets.UTF_8), key, GrantPayload.NAMESPACE);
    return g.withSignature(
        new Grant.Signature(
            GrantVerifier.METHOD,
            SshSignature.parseArmored(armored).publicKey().fingerprint(),
            GrantPayload.NAMESPACE,
            payload,
            armored));
  }

  /** {@code g} with {@code field} set to {@code value} (null too). */
  public static Grant with(Grant g, String field, Object value) {
    Map<String, Object> change = new HashMap<>();
    change.put(field, value);
    return with(g, change);
  }
}
