package dev.agentcli.mcp;

import dev.agentcli.app.Caller;
import dev.agentcli.app.Context;
import dev.agentcli.app.GatedRun;
import dev.agentcli.app.Services;
import dev.agentcli.app.Settings;
import dev.agentcli.app.Views;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.exec.RunResult;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.manifest.Manifest;
import dev.agentcli.manifest.Policy;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.request.Request;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.Waiting;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tasks of some manifests as MCP tools, and a tool to look at a request. Each call has a
 * services of its own (its own database connection), and reads the manifest again: what runs is
 * what the manifest says at the time of the call, bound and gated as {@code exec} would.
 */
public final class McpTools implements Tools {
  static final String STATUS_TOOL = "agentcli_request_status";
  private final Context ctx;
  private final Settings.Flags flags;
  private final List<String> manifests;
  private final Duration maxWait;
  private final String requester;

  public McpTools(
      Context ctx,
      Settings.Flags flags,
      List<String> manifests,
      Duration maxWait,
      String requester) {
    this.ctx = ctx;
    this.flags = flags;
    this.manifests = List.copyOf(manifests);
    this.maxWait = maxWait;
    this.requester = requester;
  }

  /** A task offered as a tool: which manifest, as named on the command line, and the task. */
  private record Offered(String manifest, Task task) {}

  /** The tools by name: a task's id when no other task has it, else workflow.task. */
  private Map<String, Offered> catalog(Services services) {
    List<Offered> all = new ArrayList<>();
    for (String m : manifests) {
      Manifest manifest = services.manifests().load(m);
      manifest.tasks().forEach(t -> all.add(new Offered(m, t)));
    }
    Map<String, Integer> uses = new HashMap<>();
    all.forEach(o -> uses.merge(name(o.task().id()), 1, Integer::sum));
    Map<String, Offered> byName = new LinkedHashMap<>();
    for (Offered o : all) {
      String plain = name(o.task().id());
      byName.put(uses.get(plain) == 1 ? plain : name(o.task().qualifiedId()), o);
    }
    return byName;
  }

  /** A tool name of the characters MCP allows: A-Z a-z 0-9 _ - . (at most 128). */
  private static String name(String id) {
    String n = id.replace('/', '.').replaceAll("[^A-Za-z0-9_.-]", "_");
    return n.length() > 128 ? n.substring(0, 128) : n;
  }

  @Override
  public List<Map<String, Object>> list() {
    try (Services services = new Services(ctx, new Settings(ctx, flags))) {
      List<Map<String, Object>> tools = new ArrayList<>();
      catalog(services).forEach((name, o) -> tools.add(describe(name, o.task())));
      tools.add(statusTool());
      return tools;
    }
  }

  private Map<String, Object> describe(String name, Task task) {
    Policy policy = task.approval().policy();
    boolean gated = policy == Policy.MANUAL;
    String risk = task.approval().riskLevel();
    StringBuilder d = new StringBuilder();
    if (task.description() != null) {
      d.append(task.description()).append("\n\n");
    }
    d.append("Runs ").append(task.program());
    task.args().forEach(a -> d.append(' ').append(a));
    d.append(" (task ").append(task.qualifiedId()).append("). ");
    d.append(
        switch (policy) {
          case MANUAL ->
              "Gated: every run needs a person's approval"
                  + (risk == null ? "" : " (risk: " + risk + ")")
                  + (task.approval().quorum() > 1
                      ? ", from " + task.approval().quorum() + " people"
                      : "")
                  + ". The call files a request and waits up to wait_s seconds for the decision;"
                  + " undecided by then, it returns the request_id: call again later, or look at"
                  + " it with "
                  + STATUS_TOOL
                  + ".";
          case AUTO_REJECT -> "It never runs: its policy rejects every run.";
          default -> "It runs without approval.";
        });
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(
        "reason",
        Map.of(
            "type",
            "string",
            "description",
            "Why the run is needed, shown to the person who decides."));
    props.put(
        "wait_s",
        Map.of(
            "type",
            "integer",
            "minimum",
            0,
            "maximum",
            maxWait.toSeconds(),
            "description",
            "How long to wait for a person's decision, in seconds (default and most: "
                + maxWait.toSeconds()
                + ")."));
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("name", name);
    tool.put("title", task.qualifiedId());
    tool.put("description", d.toString());
    tool.put(
        "inputSchema",
        Map.of("type", "object", "properties", props, "additionalProperties", false));
    tool.put(
        "annotations",
        Map.of("title", task.qualifiedId(), "readOnlyHint", false, "destructiveHint", gated));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("dev.agentcli/gated", gated);
    meta.put("dev.agentcli/policy", policy.id());
    meta.put("dev.agentcli/risk_level", risk);
    tool.put("_meta", meta);
    return tool;
  }

  private Map<String, Object> statusTool() {
    Map<String, Object> tool = new LinkedHashMap<>();
    tool.put("name", STATUS_TOOL);
    tool.put("title", "Request status");
    tool.put(
        "description",
        "Where a request for a gated run stands: pending, approved (calling the task again runs"
            + " it), denied (with who and why), cancelled or expired.");
    tool.put(
        "inputSchema",
        Map.of(
            "type",
            "object",
            "properties",
            Map.of(
                "request_id",
                Map.of(
                    "type",
                    "string",
                    "description",
                    "The request's id (or an unambiguous prefix).")),
            "required",
            List.of("request_id"),
            "additionalProperties",
            false));
    tool.put("annotations", Map.of("title", "Request status", "readOnlyHint", true));
    return tool;
  }

  @Override
  public ToolResult call(String name, Map<String, Object> arguments) {
    try (Services services = new Services(ctx, new Settings(ctx, flags))) {
      try {
        services.refuseOverrides();
        if (name.equals(STATUS_TOOL)) {
          return status(services, arguments);
        }
        Offered offered = catalog(services).get(name);
        if (offered == null) {
          throw new UnknownTool("no tool named '" + name + "'");
        }
        return run(services, offered, arguments);
      } catch (AgentCliException e) {
        return error(e);
      }
    }
  }

  /** A call that ended without a run: the code, the message and the request it concerns. */
  private static ToolResult error(AgentCliException e) {
    Object request = e.details().get("request_id");
    return new ToolResult(
        e.code().id()
            + ": "
            + e.getMessage()
            + (request == null ? "" : " (request_id " + request + ")"),
        e.report(),
        true);
  }

  private ToolResult status(Services services, Map<String, Object> arguments) {
    only(arguments, Set.of("request_id"));
    if (!(arguments.get("request_id") instanceof String id) || id.isBlank()) {
      throw new UnknownTool("request_id must be a request's id");
    }
    var state = services.requests().state(services.requests().resolve(id));
    Map<String, Object> view = Views.request(state);
    return new ToolResult(statusText(state), view, false);
  }

  /** What the model reads of a request: its state, who asked and why, who decided and why. */
  static String statusText(RequestService.State s) {
    Request r = s.request();
    String asked =
        "asked by "
            + r.requester().principal()
            + (r.reason() == null || r.reason().isBlank() ? "" : " (\"" + r.reason() + "\")");
    String id = r.requestId().value();
    return switch (s.status()) {
      case PENDING ->
          "request "
              + id
              + " is pending, "
              + asked
              + ": "
              + s.approvers().size()
              + " of "
              + s.quorum()
              + " approvals"
              + (s.approvers().isEmpty() ? "" : " (" + String.join(", ", s.approvers()) + ")")
              + ", to be decided by "
              + Timestamps.format(r.expiresAt());
      case APPROVED ->
          "request " + id + " is approved by " + String.join(", ", s.approvers()) + ", " + asked;
      // Settled and not approved: what a waiting agent hears, and who asked.
      case DENIED ->
          Waiting.refusal(s).message()
              + " ("
              + asked
              + "). Nothing ran; do not retry it in another form";
      case EXPIRED, CANCELLED -> Waiting.refusal(s).message() + " (" + asked + ")";
    };
  }

  private ToolResult run(Services services, Offered offered, Map<String, Object> arguments) {
    only(arguments, Set.of("reason", "wait_s"));
    Object reason = arguments.get("reason");
    if (reason != null && !(reason instanceof String)) {
      throw new UnknownTool("reason must be text");
    }
    Duration wait = maxWait;
    if (arguments.get("wait_s") != null) {
      if (!(arguments.get("wait_s") instanceof Number n)
          || n.doubleValue() != Math.rint(n.doubleValue())
          || n.longValue() < 0
          || n.longValue() > maxWait.toSeconds()) {
        throw new UnknownTool("wait_s must be a whole number from 0 to " + maxWait.toSeconds());
      }
      wait = Duration.ofSeconds(n.longValue());
    }
    Manifest manifest = services.manifests().load(offered.manifest());
    Task task = manifest.task(Optional.of(offered.task().workflowId()), offered.task().id());
    TaskBinding binding =
        TaskBinding.of(
            task, manifest.baseDir(), services.taskEnv(manifest.taskEnv()), services.fileDigests());
    GatedRun.Outcome gated =
        GatedRun.run(
            services,
            task,
            binding,
            Optional.empty(),
            Optional.empty(),
            TaskRunner.Mode.CAPTURE,
            OutputStream.nullOutputStream(),
            OutputStream.nullOutputStream(),
            Optional.of(
                new GatedRun.Ask((String) reason, Caller.as(requester, ctx), wait, id -> {})));
    if (gated instanceof GatedRun.NotRun notRun) {
      return error(notRun.refusal().exception());
    }
    GatedRun.Ran ran = (GatedRun.Ran) gated;
    Map<String, Object> result = GatedRun.result(services, ran);
    RunResult r = ran.outcome().result();
    String text =
        (r.timedOut() ? "timed out" : "exit " + r.exitCode())
            + " in "
            + r.durationMs()
            + " ms"
            + (ran.requestId() == null ? "" : " (approved request " + ran.requestId() + ")")
            + "\nstdout:\n"
            + r.stdout().text()
            + "\nstderr:\n"
            + r.stderr().text();
    return new ToolResult(text, result, !Boolean.TRUE.equals(result.get("ok")));
  }

  private static void only(Map<String, Object> arguments, Set<String> known) {
    for (String key : arguments.keySet()) {
      if (!known.contains(key)) {
        throw new UnknownTool(
            "unknown argument '" + key + "' (known: " + String.join(", ", known) + ")");
      }
    }
  }
}
