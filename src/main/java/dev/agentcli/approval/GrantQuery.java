package dev.agentcli.approval;

import java.util.Optional;

/**
 * Which grants to list: by status (empty: all), workflow and task, newest first, at most limit (0:
 * all).
 */
public record GrantQuery(
    Optional<GrantStatus> status,
    Optional<String> workflowId,
    Optional<String> taskId,
    int limit) {}
