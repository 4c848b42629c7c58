package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AnchorFile;
import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class AuditVerifyCommand extends BaseCommand {
  String expectHead;
  Path anchorsFile;

  @Override
  void declare(Definition d) {
    d.text(
        "Recompute the audit trail's hash chain from its genesis and report the first broken link:"
            + " an event edited, deleted, moved or stripped of its hashes with the sqlite3 shell;"
            + " also a database schema that is not what the migrations create. Exits 0 when"
            + " intact, 65 (audit_chain_broken) when not.");
    d.option(String.class, "--expect-head")
        .label("<hash>")
        .text(
            "A head recorded earlier (audit head): it must be an event of the intact chain; the"
                + " result says how many events follow it.")
        .to(v -> expectHead = v);
    d.option(Path.class, "--anchors")
        .label("<file>")
        .text(
            "An anchors file (audit anchor): every anchored event must still be in the chain with"
                + " its hash, so a rewritten or truncated trail is caught (default: the file claims"
                + " and revocations anchor to, when it exists).")
        .to(v -> anchorsFile = v);
  }

  AuditVerifyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Map<Long, String> anchors = new LinkedHashMap<>();
    AnchorFile file =
        anchorsFile == null ? services.anchors() : new AnchorFile(ctx.cwd().resolve(anchorsFile));
    boolean anchored = anchorsFile != null || file.exists();
    if (anchored) {
      for (Anchor a : file.all()) {
        String before = anchors.putIfAbsent(a.id(), a.hash());
        if (before != null && !before.equals(a.hash())) {
          throw new AgentCliException(
              ErrorCode.AUDIT_CHAIN_BROKEN,
              "the anchors file records two hashes for event " + a.id(),
              Map.of("id", a.id()));
        }
      }
    }
    AuditChain.Verifier verifier = new AuditChain.Verifier(anchors, expectHead, false);
    List<String> tampering = new ArrayList<>(services.existingSchemaTampering());
    if (tampering.isEmpty()) {
      services.existingApprovals().ifPresent(a -> tampering.addAll(a.disagreements()));
    }
    // On a terminal, a long trail shows how far the check is (every 10,000 events, on one line).
    boolean tty = global.text() && ctx.isTerminal(2);
    long[] seen = {0};
    services
        .existingAudit()
        .ifPresent(
            log ->
                log.forEach(
                    AuditQuery.all(),
                    e -> {
                      verifier.accept(e);
                      if (tty && ++seen[0] % 10_000 == 0) {
                        err().print("\ragentcli: verified " + seen[0] + " events");
                        err().flush();
                      }
                    }));
    if (tty && seen[0] >= 10_000) {
      err().print("\r\033[K");
      err().flush();
    }
    AuditChain.Check check =
        services.existingAudit().isPresent()
            ? verifier.result()
            : new AuditChain.Check(true, 0, 0, null, null, null, 0, null);
    Map<String, Object> result = new LinkedHashMap<>();
    boolean ok = check.intact() && tampering.isEmpty();
    result.put("ok", ok);
    result.put("events", check.events());
    result.put("unchained", check.unchained());
    result.put("head", check.head());
    if (anchored || expectHead != null) {
      result.put("anchors", anchored ? file.path().toString() : null);
      result.put("anchors_checked", check.anchors() + (expectHead == null ? 0 : 1));
      result.put("events_after_anchor", check.afterAnchor());
    }
    result.put(
        "database", tampering.isEmpty() ? "as migrated and agrees with the trail" : tampering);
    if (!ok) {
      result.put("broken_at", check.brokenAt());
      String why =
          check.intact()
              ? "the database was edited: " + String.join("; ", tampering)
              : check.reason();
      result.put("reason", why);
      throw new AgentCliException(
          ErrorCode.AUDIT_CHAIN_BROKEN, "the audit trail is not intact: " + why, result);
    }
    print(
        result,
        out ->
            out.println(
                "audit trail intact: "
                    + check.events()
                    + " events, head "
                    + check.head()
                    + (check.afterAnchor() == null
                        ? ""
                        : "; " + check.afterAnchor() + " events after the newest anchor")));
    return 0;
  }
}
