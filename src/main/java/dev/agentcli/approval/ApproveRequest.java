package dev.agentcli.approval;

import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import java.time.Duration;
import java.util.Optional;

/**
 * An approver's decision to let one exact task binding run once.
 *
 * @param ttl how long the grant lives; empty for the task's {@code timeout_s}
 */
public record ApproveRequest(
    Task task,
    TaskBinding binding,
    String approver,
    String reason,
    Optional<Duration> ttl,
    SignerChoice signer) {}
