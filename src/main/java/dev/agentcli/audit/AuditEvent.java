package dev.agentcli.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One decision or action in the audit trail.
 *
 * @param id assigned by the log when appended; 0 before
 * @param eventType what happened: {@code approval_granted}, {@code exec_started}, ...
 * @param outcome {@code ok}, {@code refused} or {@code failed}
 * @param code the error code of a refusal or failure, else null
 * @param details event-specific facts (exit status, duration...)
 * @param prevHash the hash of the event before this one in the chain; null before appending
 * @param eventHash this event's hash over its content and {@code prevHash}; null before appending
 */
public record AuditEvent(
    long id,
    Instant occurredAt,
    String eventType,
    String outcome,
    String code,
    String workflowId,
    String taskId,
    String taskHash,
    String approvalId,
    String executionId,
    String actor,
    Map<String, Object> details,
    String prevHash,
    String eventHash) {

  public AuditEvent {
    details = new LinkedHashMap<>(details);
  }

  /**
   * This event with the process that wrote it in {@code details.process} ({@code os_user}, {@code
   * host}, {@code pid}), and the OS user as its actor when no principal is.
   */
  public AuditEvent actingFor(Map<String, Object> process) {
    Map<String, Object> more = new LinkedHashMap<>(details);
    more.put("process", process);
    return copy(
        id,
        actor != null ? actor : String.valueOf(process.get("os_user")),
        more,
        prevHash,
        eventHash);
  }

  /** This event as stored at position {@code id} of the chain, after {@code prevHash}. */
  public AuditEvent chained(long id, String prevHash) {
    return copy(
        id, actor, details, prevHash, AuditChain.hash(copy(id, actor, details, prevHash, null)));
  }

  /** This event with the fields that change after it was built. */
  private AuditEvent copy(
      long newId,
      String newActor,
      Map<String, Object> newDetails,
      String newPrevHash,
      String newEventHash) {
    return new AuditEvent(
        newId,
        occurredAt,
        eventType,
        outcome,
        code,
        workflowId,
        taskId,
        taskHash,
        approvalId,
        executionId,
        newActor,
        newDetails,
        newPrevHash,
        newEventHash);
  }

  public static Builder builder(EventType type, Instant occurredAt) {
    return new Builder(type.id(), occurredAt);
  }

  /** Fills an event field by field; outcome defaults to {@code ok}. */
  public static final class Builder {
    private final String eventType;
    private final Instant occurredAt;
    private String outcome = Outcome.OK.id();
    private String code;
    private String workflowId;
    private String taskId;
    private String taskHash;
    private String approvalId;
    private String executionId;
    private String actor;
    private final Map<String, Object> details = new LinkedHashMap<>();

    private Builder(String eventType, Instant occurredAt) {
      this.eventType = eventType;
      this.occurredAt = occurredAt;
    }

    public Builder task(String workflowId, String taskId, String taskHash) {
      this.workflowId = workflowId;
      this.taskId = taskId;
      this.taskHash = taskHash;
      return this;
    }

    public Builder approvalId(String approvalId) {
      this.approvalId = approvalId;
      return this;
    }

    public Builder executionId(String executionId) {
      this.executionId = executionId;
      return this;
    }

    public Builder actor(String actor) {
      this.actor = actor;
      return this;
    }

    /** Marks the event as a refusal or failure with its code. */
    public Builder outcome(Outcome outcome, String code) {
      this.outcome = outcome.id();
      this.code = code;
      return this;
    }

    public Builder detail(String key, Object value) {
      details.put(key, value);
      return this;
    }

    public Builder details(Map<String, ?> more) {
      details.putAll(more);
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(
          0,
          occurredAt,
          eventType,
          outcome,
          code,
          workflowId,
          taskId,
          taskHash,
          approvalId,
          executionId,
          actor,
          details,
          null,
          null);
    }
  }
}
