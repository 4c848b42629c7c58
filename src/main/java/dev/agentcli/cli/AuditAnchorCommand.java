package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.audit.Anchor;
import dev.agentcli.audit.AnchorFile;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

final class AuditAnchorCommand extends BaseCommand {
  Path file;

  @Override
  void declare(Definition d) {
    d.text(
        "Append the chain's head (event id, hash, time) to an anchors file, one JSON line each"
            + " time. Every claim and revocation already anchors the head in the default file"
            + " (beside the database, or the operator's audit_anchors); use this to anchor now, or"
            + " into a file of your own (on another machine's mount, say). audit verify --anchors"
            + " then catches a rewritten or truncated trail, which the chain alone cannot.");
    d.option(Path.class, "--file")
        .label("<file>")
        .text(
            "The anchors file (created 0600, appended to; default: the one claims use). Keep it"
                + " where whoever can write the database cannot, or copy it off the machine.")
        .to(v -> file = v);
  }

  AuditAnchorCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Anchor head =
        services
            .existingAudit()
            .flatMap(log -> log.head(ctx.clock().instant().truncatedTo(ChronoUnit.MILLIS)))
            .orElseThrow(
                () ->
                    new AgentCliException(
                        ErrorCode.INPUT_INVALID, "there is no audit trail to anchor yet"));
    AnchorFile target = file == null ? services.anchors() : new AnchorFile(ctx.cwd().resolve(file));
    target.append(head);
    Map<String, Object> result = new LinkedHashMap<>(head.toMap());
    result.put("file", target.path().toString());
    result.put("ok", true);
    print(result, out -> out.println("anchored event " + head.id() + " " + head.hash()));
    return 0;
  }
}
