package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.app.Views;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ApproveRequest;
import dev.agentcli.approval.Cosigning;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.SignerChoice;
import dev.agentcli.approval.Subject;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.WhatRuns;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class ApproveCommand extends BaseCommand {
  String first;
  String task;
  String workflow;
  String by;
  String reason;

  /** The grant's lifetime, in seconds or as a duration: one of them at most. */
  static final class Ttl {
    Long seconds;
    Duration duration;
  }

  final Ttl ttl = new Ttl();
  int uses;
  String signer;
  final SigningKey signingKey = new SigningKey();

  @Override
  void declare(Definition d) {
    d.text(
        "Approve one run of a task: writes a single-use, expiring grant bound to the task exactly as"
            + " it is now (program, arguments, working directory, environment, policy).",
        "Given a request id instead of <manifest> <task>, approves that request: the grant binds the"
            + " request's own binding, as the agent will run it, whatever your environment.",
        "Any later change to what would run makes the grant unusable.");
    d.positional(String.class, "0")
        .label("<manifest|request-id>")
        .text(
            "The manifest (as for exec), or alone: the request to approve (a unique prefix of its"
                + " id is enough).")
        .to(v -> first = v);
    d.positional(String.class, "1")
        .arity("0..1")
        .label("<task>")
        .text("The task's id (left out when approving a request).")
        .to(v -> task = v);
    d.option(String.class, "--workflow")
        .label("<id>")
        .text("The workflow the task is in (needed when two workflows use the task id).")
        .to(v -> workflow = v);
    d.option(String.class, "--by")
        .label("<principal>")
        .required()
        .text(
            "Who approves (checked against the task's approver_scope). Required: there is no default.")
        .to(v -> by = v);
    d.option(String.class, "--reason")
        .label("<text>")
        .text("Why, kept with the grant.")
        .to(v -> reason = v);
    d.exclusive("0..1");
    d.option(Long.class, "--ttl-s")
        .label("<seconds>")
        .text("Grant lifetime in seconds (default and maximum: the task's approval.timeout_s).")
        .to(v -> ttl.seconds = v);
    d.option(Duration.class, "--ttl")
        .label("<duration>")
        .converter(new DurationConverter())
        .text("Grant lifetime as 90s, 15m, 2h or 1d (same limits as --ttl-s).")
        .to(v -> ttl.duration = v);
    d.endGroup();
    d.option(Integer.class, "--uses")
        .label("<n>")
        .defaultValue("1")
        .text(
            "How many runs of the exact binding the grant is good for within its lifetime (default"
                + " 1; at most the task's approval.max_uses). Each run is its own consumption.")
        .to(v -> uses = v);
    d.option(String.class, "--signer")
        .label("<signer>")
        .defaultValue("ssh")
        .text(
            "ssh (sign with your SSH key; the default) or none (an explicitly unsigned grant, which"
                + " exec accepts only where the task allows it).")
        .to(v -> signer = v);
    signingKey.define(d);
  }

  ApproveCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    if (task == null) {
      return approveRequest(services);
    }
    TaskArguments target = new TaskArguments();
    target.manifest = first;
    target.task = task;
    target.workflow = workflow;
    TaskArguments.Resolved resolved = target.resolve(services, ctx);
    Grant grant =
        services
            .approvals()
            .approve(
                new ApproveRequest(
                    Subject.of(resolved.task(), resolved.binding()),
                    by,
                    reason,
                    lifetime(),
                    signerChoice(),
                    signingKey.find(ctx),
                    Optional.empty(),
                    uses),
                WhatRuns.of(resolved.task(), resolved.binding()));
    services.rememberDigests();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("approval", Views.grant(grant, grant.grantedAt()));
    result.put("approved", Views.command(resolved.task(), resolved.binding()));
    print(result, out -> text(out, result));
    return 0;
  }

  private int approveRequest(Services services) {
    if (workflow != null) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID, "--workflow names a task: a request already names its own");
    }
    RequestService requests = services.requests();
    RequestId id = requestOf(services, requests);
    if (id == null) {
      return cosign(services, new ApprovalId(first));
    }
    Grant grant =
        requests.approve(
            id,
            by,
            services.approverOsUser(),
            lifetime(),
            reason,
            signerChoice(),
            signingKey.find(ctx),
            uses);
    RequestService.State state = requests.state(id);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("approval", Views.grant(grant, grant.grantedAt()));
    result.put("request", Views.request(state));
    print(
        result,
        out ->
            out.println(
                "Approved request "
                    + id
                    + " ("
                    + state.request().subject().qualifiedId()
                    + ") as "
                    + by
                    + ": "
                    + state.approvers().size()
                    + " of "
                    + state.quorum()
                    + " approvals; grant "
                    + grant.approvalId()
                    + ", good until "
                    + Timestamps.format(grant.expiresAt())));
    return 0;
  }

  /**
   * The request {@code first} names: a request id (or prefix), or the id of a grant that answers a
   * request (who asked may not co-sign it either); null for a grant approved ahead of time.
   */
  private RequestId requestOf(Services services, RequestService requests) {
    try {
      return requests.resolve(first);
    } catch (AgentCliException e) {
      if (e.code() != ErrorCode.REQUEST_NOT_FOUND || !first.matches("[0-9a-f]{32}")) {
        throw e;
      }
      return services.approvals().show(new ApprovalId(first)).requestId();
    }
  }

  /** A further approver's signature on a grant whose task asks for a quorum. */
  private int cosign(Services services, ApprovalId id) {
    Cosigning cosigning = services.cosigning();
    cosigning.cosign(id, by, signingKey.find(ctx));
    Grant grant = services.approvals().show(id);
    List<String> approvers = cosigning.approvers(grant);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("approval", Views.grant(grant, services.approvals().now()));
    result.put("approvers", approvers);
    result.put("quorum", Cosigning.quorum(grant));
    print(
        result,
        out ->
            out.println(
                "Approved grant "
                    + id
                    + " as "
                    + by
                    + ": "
                    + approvers.size()
                    + " of "
                    + Cosigning.quorum(grant)
                    + " approvals ("
                    + String.join(", ", approvers)
                    + ")"));
    return 0;
  }

  private Optional<Duration> lifetime() {
    if (ttl.seconds != null) {
      if (ttl.seconds <= 0) {
        throw BadOption.of("--ttl-s", ttl.seconds, "it must be a positive number of seconds");
      }
      return Optional.of(Duration.ofSeconds(ttl.seconds));
    }
    if (ttl.duration == null) {
      return Optional.empty();
    }
    if (ttl.duration.isZero()) {
      throw BadOption.of("--ttl", "0", "a grant's lifetime must be at least 1s");
    }
    return Optional.of(ttl.duration);
  }

  private SignerChoice signerChoice() {
    switch (signer) {
      case "ssh":
        return SignerChoice.SSH;
      case "none":
        return SignerChoice.NONE;
      default:
        throw BadOption.of("--signer", signer, "it must be ssh or none");
    }
  }

  @SuppressWarnings("unchecked")
  private static void text(PrintWriter out, Map<String, Object> result) {
    Map<String, Object> grant = (Map<String, Object>) result.get("approval");
    Map<String, Object> cmd = (Map<String, Object>) result.get("approved");
    out.println("Approved one run of " + cmd.get("workflow_id") + "/" + cmd.get("task_id") + ":");
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("program", cmd.get("program_path"));
    shown.put("args", cmd.get("args"));
    shown.put("cwd", cmd.get("cwd"));
    shown.put("approval_id", grant.get("approval_id"));
    Object signature = grant.get("signature");
    shown.put(
        "signed",
        signature instanceof Map<?, ?> sig
            ? "yes, key " + sig.get("key_fingerprint")
            : "no (unsigned by choice)");
    shown.put("approver", grant.get("approver"));
    shown.put("expires_at", grant.get("expires_at"));
    shown.put("task_hash", grant.get("task_hash"));
    Output.text(out, shown);
  }
}
