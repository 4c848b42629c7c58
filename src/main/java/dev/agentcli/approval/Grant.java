package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.TaskHash;
import java.time.Instant;

/**
 * A single-use, expiring approval of one exact task binding.
 *
 * @param taskBinding the canonical JSON of the binding approved (values as hashes)
 * @param approverScope the task's scopes when approved, comma-separated; null when anyone may
 * @param requestId the request this grant answers; null for one approved ahead of time
 * @param maxUses how many runs it is good for, when more than one (null: one)
 * @param signature null for a grant that is unsigned by choice ({@code unsignedExplicit})
 * @param consumption null until the grant is used
 * @param revocation null unless revoked
 * @param usesTaken how many of its uses were taken (its last one sets {@code consumption})
 */
public record Grant(
    ApprovalId approvalId,
    int recordVersion,
    String workflowId,
    String taskId,
    TaskHash taskHash,
    String taskBinding,
    String riskLevel,
    String approverScope,
    String approver,
    String reason,
    Instant grantedAt,
    Instant expiresAt,
    boolean unsignedExplicit,
    RequestId requestId,
    Integer maxUses,
    Signature signature,
    Consumption consumption,
    Revocation revocation,
    int usesTaken) {

  /** Layout version of a grant record. */
  public static final int RECORD_VERSION = 1;

  /** How a grant was signed: the armored SSHSIG over {@code signedPayload}. */
  public record Signature(
      String method,
      String keyFingerprint,
      String namespace,
      String signedPayload,
      String signature) {}

  /** The use of a grant. */
  public record Consumption(String executionId, Instant consumedAt) {}

  /** The withdrawal of a grant. */
  public record Revocation(String revokedBy, String reason, Instant revokedAt) {}

  /** A new, unsigned grant of the request's binding, approved at {@code at}. */
  static Grant approving(ApproveRequest request, ApprovalId id, Instant at) {
    ApprovalRules rules = request.subject().rules();
    return new Grant(
        id,
        RECORD_VERSION,
        request.subject().workflowId(),
        request.subject().taskId(),
        request.subject().taskHash(),
        request.subject().bindingJson(),
        rules.riskLevel(),
        rules.approverScope().isEmpty() ? null : rules.scopeText(),
        request.approver(),
        request.reason(),
        at,
        at.plus(ApprovePolicies.lifetime(request)),
        request.signer() == SignerChoice.NONE,
        request.requestId().orElse(null),
        request.uses() > 1 ? request.uses() : null,
        null,
        null,
        null,
        0);
  }

  /** This grant carrying {@code signature}. */
  public Grant withSignature(Signature signature) {
    return with(signature, consumption, usesTaken);
  }

  /** This grant after one more use; {@code consumption} is recorded when it was the last. */
  public Grant withUse(Consumption use) {
    return with(signature, usesTaken + 1 >= uses() ? use : null, usesTaken + 1);
  }

  /** How many runs it is good for. */
  public int uses() {
    return maxUses == null ? 1 : maxUses;
  }

  /** How many runs it is still good for (none once consumed or revoked). */
  public int usesLeft() {
    return revocation != null || consumption != null ? 0 : Math.max(0, uses() - usesTaken);
  }

  private Grant with(Signature newSignature, Consumption newConsumption, int newUsesTaken) {
    return new Grant(
        approvalId,
        recordVersion,
        workflowId,
        taskId,
        taskHash,
        taskBinding,
        riskLevel,
        approverScope,
        approver,
        reason,
        grantedAt,
        expiresAt,
        unsignedExplicit,
        requestId,
        maxUses,
        newSignature,
        newConsumption,
        revocation,
        newUsesTaken);
  }

  /** Revoked, else consumed, else expired ({@code expires_at <= now}), else pending. */
  public GrantStatus status(Instant now) {
    if (revocation != null) {
      return GrantStatus.REVOKED;
    }
    if (consumption != null) {
      return GrantStatus.CONSUMED;
    }
    return Expiry.passed(expiresAt, now) ? GrantStatus.EXPIRED : GrantStatus.PENDING;
  }
}
