package dev.agentcli.notify;

/**
 * How one notification to one target ended.
 *
 * @param result the HTTP status or the command's exit status, or why there was none
 */
public record Delivery(
    Target target,
    String eventType,
    Long eventId,
    boolean delivered,
    int attempts,
    String result) {}
