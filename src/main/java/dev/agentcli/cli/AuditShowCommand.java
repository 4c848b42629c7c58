package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.audit.ExecutionState;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class AuditShowCommand extends BaseCommand {
  String executionId;

  @Override
  void declare(Definition d) {
    d.text(
        "The whole story of one execution: its claim, start and finish, and its state (finished,"
            + " refused, or started and never finished).");
    d.positional(String.class, "0")
        .label("<execution-id>")
        .text("The execution, as exec printed it.")
        .to(v -> executionId = v);
  }

  AuditShowCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    List<AuditEvent> events = new ArrayList<>();
    AuditQuery query =
        new AuditQuery(
            0, Optional.empty(), Optional.of(executionId), Optional.empty(), Optional.empty());
    services.existingAudit().ifPresent(log -> log.forEach(query, events::add));
    if (events.isEmpty()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "no audit event names execution " + executionId,
          Map.of("execution_id", executionId));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("execution_id", executionId);
    result.put("state", ExecutionState.of(events));
    AuditEvent first = events.get(0);
    result.put("workflow_id", first.workflowId());
    result.put("task_id", first.taskId());
    result.put(
        "approval_id",
        events.stream()
            .map(AuditEvent::approvalId)
            .filter(a -> a != null)
            .findFirst()
            .orElse(null));
    result.put("events", events.stream().map(Views::event).toList());
    print(result, out -> Output.text(out, result));
    return 0;
  }
}
