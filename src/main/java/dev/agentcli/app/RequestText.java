package dev.agentcli.app;

import static dev.agentcli.codec.Timestamps.format;

import dev.agentcli.request.Denial;
import dev.agentcli.request.Request;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.WhatRuns;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** A request as a person reads it before deciding: exactly what will run, quoted. */
public final class RequestText {
  private RequestText() {}

  public static void print(PrintWriter out, RequestService.State s) {
    Request r = s.request();
    Map<String, Object> c = r.command();
    out.println(
        "Request "
            + r.requestId()
            + " for "
            + r.subject().qualifiedId()
            + ": "
            + s.status().id()
            + (s.status().settled()
                ? ""
                : " (undecided by " + format(r.expiresAt()) + " = denied)"));
    out.println(
        "  asked by  "
            + SafeText.escape(r.requester().principal())
            + " (OS user "
            + SafeText.escape(r.requester().osUser())
            + " on "
            + SafeText.escape(r.requester().host())
            + ", pid "
            + r.requester().pid()
            + ") at "
            + format(r.requestedAt()));
    out.println(
        "  reason    " + (r.reason() == null ? "(none given)" : SafeText.escape(r.reason())));
    out.println(
        "  runs      "
            + SafeText.shellQuote(String.valueOf(c.get("program_path")))
            + " (written "
            + SafeText.shellQuote(String.valueOf(c.get("program")))
            + ", "
            + c.get("program_sha256")
            + ")");
    out.println("  args      " + SafeText.shellWords((List<?>) c.get("args")));
    out.println("  in        " + SafeText.shellQuote(String.valueOf(c.get("cwd"))));
    if (c.get("env") instanceof Map<?, ?> env) {
      env.forEach(
          (k, v) -> out.println("  env       " + k + "=" + SafeText.shellQuote(String.valueOf(v))));
    }
    out.println(
        "  stdin     "
            + c.get("stdin_bytes")
            + " bytes"
            + (c.get("stdin_sha256") == null ? "" : ", " + c.get("stdin_sha256")));
    if (c.get("files") instanceof Map<?, ?> files && !files.isEmpty()) {
      files.forEach((k, v) -> out.println("  file      " + SafeText.shellQuote(k + "") + " " + v));
    }
    out.println("  risk      " + (c.get("risk_level") == null ? "(not set)" : c.get("risk_level")));
    out.println("  binding   " + r.subject().taskHash());
    WhatRuns.mismatch(c, r.subject().bindingJson())
        .ifPresent(
            field ->
                out.println(
                    "  WARNING   the database was edited: the "
                        + field
                        + " shown is not the one bound; it cannot be approved"));
    s.grant()
        .ifPresent(
            g -> out.println("  approved  by " + g.approver() + " (grant " + g.approvalId() + ")"));
    for (Denial d : s.denials()) {
      out.println(
          "  denied    by "
              + d.decider()
              + " at "
              + format(d.decidedAt())
              + ": "
              + SafeText.escape(d.reason()));
    }
    for (Map<String, Object> ignored : s.ignored()) {
      out.println("  ignored   a denial by " + ignored.get("decider") + ": " + ignored.get("why"));
    }
    if (!s.status().settled()) {
      out.println(
          "Decide: agentcli approve "
              + r.requestId()
              + " --by <you>   or   agentcli deny "
              + r.requestId()
              + " --by <you> --reason <why>");
    }
  }
}
