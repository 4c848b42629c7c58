package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.request.RequestStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class RequestsListCommand extends BaseCommand {
  String status;
  int limit;

  @Override
  void declare(Definition d) {
    d.text("The requests, newest first, with their status.");
    d.option(String.class, "--status")
        .label("<status>")
        .text("Only pending, approved, denied, cancelled or expired requests.")
        .to(v -> status = v);
    d.option(Integer.class, "--limit")
        .label("<n>")
        .defaultValue("50")
        .text("At most this many (default 50; 0 for all).")
        .to(v -> limit = v);
  }

  RequestsListCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    RequestStatus wanted = status == null ? null : parse(status);
    if (limit < 0) {
      throw BadOption.of("--limit", limit, "it must be 0 (all) or more");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    services
        .existingRequests()
        .ifPresent(
            requests ->
                requests.forEach(
                    s -> {
                      if ((wanted == null || s.status() == wanted)
                          && (limit == 0 || rows.size() < limit)) {
                        rows.add(Views.request(s));
                      }
                    }));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("count", rows.size());
    result.put("requests", rows);
    print(
        result,
        out -> {
          List<Map<String, Object>> table = new ArrayList<>();
          for (Map<String, Object> r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("request_id", r.get("request_id"));
            row.put("status", r.get("status"));
            row.put("task", what(r));
            row.put("requester", ((Map<?, ?>) r.get("requester")).get("principal"));
            row.put("requested_at", r.get("requested_at"));
            row.put("reason", r.get("reason"));
            table.add(row);
          }
          Output.table(
              out,
              table,
              List.of("request_id", "status", "task", "requester", "requested_at", "reason"));
        });
    return 0;
  }

  /**
   * What a request asks to run, as a person scans a list: a manifest's task by its name; a command
   * no manifest declares (workflow {@code run}) by the command itself, not its generated id.
   */
  static Object what(Map<String, Object> request) {
    if (!"run".equals(request.get("workflow_id"))
        || !(request.get("command") instanceof Map<?, ?> command)
        || !(command.get("args") instanceof List<?> args)) {
      return request.get("workflow_id") + "/" + request.get("task_id");
    }
    if (args.size() == 2 && "-c".equals(args.get(0))) {
      return String.valueOf(args.get(1)); // a shell line, as written
    }
    List<Object> words = new ArrayList<>();
    words.add(command.get("program"));
    words.addAll(args);
    return words;
  }

  private static RequestStatus parse(String s) {
    return Arrays.stream(RequestStatus.values())
        .filter(v -> v.id().equals(s))
        .findFirst()
        .orElseThrow(
            () ->
                BadOption.of(
                    "--status", s, "it must be pending, approved, denied, cancelled or expired"));
  }
}
