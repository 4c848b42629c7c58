package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.GrantStatus;
import dev.agentcli.codec.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

final class ApprovalsListCommand extends BaseCommand {
  /** Text columns and their widths: rows are printed as they are read. */
  private static final List<String> COLUMNS =
      List.of("approval_id", "status", "workflow_id", "task_id", "approver", "expires_at");

  private static final int[] WIDTHS = {32, 8, 16, 16, 24, 24};

  String status;
  String workflow;
  String task;
  int limit;

  @Override
  void declare(Definition d) {
    d.text(
        "List grants, newest first, with their effective status. Streams: any number of grants is"
            + " printed without holding them all in memory.");
    d.option(String.class, "--status")
        .label("<status>")
        .defaultValue("all")
        .text("pending, consumed, expired, revoked or all (default: all).")
        .to(v -> status = v);
    d.option(String.class, "--workflow")
        .label("<id>")
        .text("Only grants of this workflow.")
        .to(v -> workflow = v);
    d.option(String.class, "--task")
        .label("<id>")
        .text("Only grants of this task.")
        .to(v -> task = v);
    d.option(Integer.class, "--limit")
        .label("<n>")
        .defaultValue("0")
        .text("At most this many grants (default: 0, all).")
        .to(v -> limit = v);
  }

  ApprovalsListCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (limit < 0) {
      throw BadOption.of("--limit", limit, "it must be 0 (all) or more");
    }
    GrantQuery query =
        new GrantQuery(
            statusFilter(), Optional.ofNullable(workflow), Optional.ofNullable(task), limit);
    // The store is opened before the first byte goes out: a store that cannot be reached fails
    // with its error alone, not after a table's header or half a JSON document.
    Optional<ApprovalService> existing = services.existingApprovals();
    PrintWriter out = out();
    int[] count = {0};
    if (global.text()) {
      row(out, COLUMNS.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
    } else {
      out.print("{\n  \"ok\" : true,\n  \"approvals\" : [");
    }
    existing.ifPresent(
        approvals ->
            approvals.forEach(
                query,
                g -> {
                  Map<String, Object> view = Views.grant(g, approvals.now());
                  if (global.text()) {
                    row(out, COLUMNS.stream().map(c -> String.valueOf(view.get(c))).toList());
                  } else {
                    out.print(
                        (count[0] == 0 ? " " : ", ") + Json.pretty(view).replace("\n", "\n    "));
                  }
                  count[0]++;
                }));
    if (!global.text()) {
      out.println(" ],\n  \"count\" : " + count[0] + "\n}");
    }
    out.flush();
    return 0;
  }

  private static void row(PrintWriter out, List<String> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(Math.max(2, WIDTHS[i] + 2 - cell.length())));
      }
    }
    out.println(line);
  }

  private Optional<GrantStatus> statusFilter() {
    if (status.equals("all")) {
      return Optional.empty();
    }
    try {
      return Optional.of(GrantStatus.valueOf(status.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw BadOption.of(
          "--status", status, "it must be pending, consumed, expired, revoked or all");
    }
  }
}
