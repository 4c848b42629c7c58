package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import java.util.LinkedHashMap;
import java.util.Map;

final class StoreCopyCommand extends BaseCommand {
  String to;

  @Override
  void declare(Definition d) {
    d.text(
        "Copy this store (--db, AGENTCLI_DB or the home's, as every command finds it) into a new"
            + " one: every grant, request, decision, consumption, revocation and audit event as it"
            + " is, ids, times and signatures included, so grants stay verifiable and the audit"
            + " chain verifies with the same head (anchors taken before still hold). The target"
            + " must be new (nothing but its own genesis event): otherwise store_not_empty, and"
            + " nothing is written. Remembered file digests (a cache) are not copied.");
    d.option(String.class, "--to")
        .converter(GlobalOptions::databaseFile)
        .label("<file|url>")
        .required()
        .text(
            "The new store: a SQLite file, or postgresql://[user@]host[:port]/database (its"
                + " password from PGPASSWORD or ~/.pgpass).")
        .to(v -> to = v);
  }

  StoreCopyCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    Services.Copied copied = services.copyStoreTo(to);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("from", copied.from());
    result.put("to", copied.to());
    result.put("rows", copied.rows());
    print(
        result,
        out -> {
          out.println("copied " + copied.from() + " to " + copied.to() + ":");
          copied.rows().forEach((table, n) -> out.println("  " + table + " " + n));
        });
    return 0;
  }
}
