package dev.agentcli.approval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * An approver's decision to let one exact task binding run once.
 *
 * @param ttl how long the grant lives; empty for the task's {@code timeout_s}
 * @param signingKey the SSH key to sign with (for {@link SignerChoice#SSH}); empty when none was
 *     found
 * @param requestId the request this approval answers, when it answers one
 */
public record ApproveRequest(
    Subject subject,
    String approver,
    String reason,
    Optional<Duration> ttl,
    SignerChoice signer,
    Optional<Path> signingKey,
    Optional<String> requestId) {}
