package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Cosigning;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.request.WhatRuns;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

final class ApprovalsShowCommand extends BaseCommand {
  String id;
  boolean payload;

  @Override
  void declare(Definition d) {
    d.text(
        "Show one grant: its status, who approved it, the binding it approved, and whether its"
            + " signature verifies.");
    d.positional(String.class, "0")
        .label("<approval-id>")
        .text("The grant's id (32 hex digits).")
        .to(v -> id = v);
    d.flag("--payload")
        .text(
            "Print only the exact bytes that were signed (recomputed from the grant), for"
                + " ssh-keygen -Y verify -n agentcli.")
        .to(v -> payload = v);
  }

  ApprovalsShowCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    ApprovalService approvals = existing(services, id);
    ApprovalId approvalId = approvals.resolve(id);
    Grant grant = approvals.show(approvalId);
    if (payload) {
      out().print(GrantPayload.of(grant));
      out().flush();
      return 0;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("approval", Views.grantWithBinding(grant, approvals.now()));
    result.put("verification", Views.verdict(grant, approvals.verify(grant)));
    // What the approver saw, with the values (secrets as digests); checked against the binding.
    Optional<Map<String, Object>> seen = services.shownFor(grant);
    result.put("command", seen.orElse(null));
    result.put(
        "command_edited",
        seen.flatMap(c -> WhatRuns.mismatch(c, grant.taskBinding())).orElse(null));
    if (Cosigning.quorum(grant) > 1) {
      Cosigning cosigning = services.cosigning();
      result.put("quorum", Cosigning.quorum(grant));
      result.put("approvers", cosigning.approvers(grant));
      result.put(
          "cosignatures",
          cosigning.review(grant).entrySet().stream()
              .map(
                  e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("cosigner", e.getKey().cosigner());
                    m.put("key_fingerprint", e.getKey().signature().keyFingerprint());
                    m.put("signed_at", Timestamps.format(e.getKey().signedAt()));
                    m.put("counts", e.getValue().isEmpty());
                    m.put("why_not", e.getValue().orElse(null));
                    return m;
                  })
              .toList());
    }
    print(
        result,
        out -> {
          // For people: the record without its bytes (--payload prints what was signed).
          Map<String, Object> shown = new LinkedHashMap<>(result);
          shown.put("approval", Views.grantBrief(grant, approvals.now()));
          Output.text(out, shown);
        });
    return 0;
  }

  /** The services on an existing database; with none, no grant can exist. */
  static ApprovalService existing(Services services, String id) {
    return services
        .existingApprovals()
        .orElseThrow(
            () ->
                new AgentCliException(
                    ErrorCode.APPROVAL_NOT_FOUND,
                    "no grant with id " + id + " (there is no database yet)",
                    Map.of("approval_id", id)));
  }
}
