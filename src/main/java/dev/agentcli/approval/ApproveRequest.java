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
 * @param uses how many runs of the binding it is good for (at most the task's {@code max_uses})
 */
public record ApproveRequest(
    Subject subject,
    String approver,
    String reason,
    Optional<Duration> ttl,
    SignerChoice signer,
    Optional<Path> signingKey,
    Optional<RequestId> requestId,
    int uses) {

  /** One run: what every approval was before {@code --uses}. */
  public ApproveRequest(
      Subject subject,
      String approver,
      String reason,
      Optional<Duration> ttl,
      SignerChoice signer,
      Optional<Path> signingKey,
      Optional<RequestId> requestId) {
    this(subject, approver, reason, ttl, signer, signingKey, requestId, 1);
  }
}
