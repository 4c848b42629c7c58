package dev.agentcli.approval;

import java.time.Instant;

/**
 * A further approver's signature over a grant's payload, for a task whose {@code approval.quorum}
 * asks for more than one person: it counts only when it verifies, by a key trusted for {@code
 * cosigner}, from a principal and a key that no other signature of the grant used.
 */
public record Cosignature(
    ApprovalId approvalId, String cosigner, Instant signedAt, Grant.Signature signature) {}
