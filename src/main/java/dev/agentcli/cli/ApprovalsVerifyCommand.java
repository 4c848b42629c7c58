package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.Verdict;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

final class ApprovalsVerifyCommand extends BaseCommand {
  /** One grant, or --all: exactly one of them. */
  static final class Which {
    String id;
    boolean all;
  }

  final Which which = new Which();

  @Override
  void declare(Definition d) {
    d.text(
        "Check grants' signatures against allowed_signers without consuming them. Exits 0 when all"
            + " verify, 77 (approval_signature_invalid) when any does not.");
    d.exclusive("1");
    d.positional(String.class, "0")
        .label("<approval-id>")
        .text("The grant to check.")
        .to(v -> which.id = v);
    d.flag("--all").required().text("Check every grant.").to(v -> which.all = v);
    d.endGroup();
  }

  ApprovalsVerifyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    List<Map<String, Object>> results = new ArrayList<>();
    Optional<ApprovalService> existing =
        which.all
            ? services.existingApprovals()
            : Optional.of(ApprovalsShowCommand.existing(services, which.id));
    if (existing.isPresent()) {
      ApprovalService approvals = existing.get();
      Consumer<Grant> check =
          g -> {
            Verdict verdict = approvals.verify(g);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("approval_id", g.approvalId().value());
            row.put("status", g.status(approvals.now()).id());
            row.putAll(Views.verdict(g, verdict));
            results.add(row);
          };
      if (which.all) {
        approvals.forEach(
            new GrantQuery(Optional.empty(), Optional.empty(), Optional.empty(), 0), check);
      } else {
        check.accept(approvals.show(approvals.resolve(which.id)));
      }
    }
    long invalid = results.stream().filter(r -> !Boolean.TRUE.equals(r.get("valid"))).count();
    if (!which.all && invalid > 0) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_SIGNATURE_INVALID,
          "grant " + which.id + " does not verify: " + results.get(0).get("reason"),
          results.get(0));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", invalid == 0);
    result.put("checked", results.size());
    result.put("invalid", invalid);
    result.put("grants", results);
    print(
        result,
        out ->
            Output.table(
                out,
                results,
                List.of("approval_id", "status", "valid", "signer_principal", "reason")));
    return invalid == 0 ? 0 : ErrorCode.APPROVAL_SIGNATURE_INVALID.exitStatus();
  }
}
