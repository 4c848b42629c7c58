package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.ManifestLoader;
import dev.agentcli.manifest.ManifestParser;
import dev.agentcli.manifest.Policy;
import dev.agentcli.manifest.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ValidateCommand extends BaseCommand {
  String manifest;

  @Override
  void declare(Definition d) {
    d.text(
        "Check a manifest and report every problem with its JSON path. Exits 0 when valid, 65 when"
            + " not.");
    d.positional(String.class, "0")
        .label("<manifest>")
        .text("Manifest: a path, - for stdin, or a name under <home>/manifests/.")
        .to(v -> manifest = v);
  }

  ValidateCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    ManifestLoader.Source source = services.manifests().read(manifest);
    List<Problem> problems = ManifestParser.check(source.bytes());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", problems.isEmpty());
    result.put("manifest", source.name());
    result.put(
        "problems",
        problems.stream().map(p -> Map.of("path", p.path(), "message", p.message())).toList());
    if (problems.isEmpty()) {
      result.put(
          "tasks",
          ManifestParser.parse(source.bytes(), source.name(), source.baseDir()).tasks().stream()
              .map(
                  t -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("task", t.qualifiedId());
                    m.put("policy", t.approval().policy().id());
                    m.put("gated", t.approval().policy() == Policy.MANUAL);
                    return m;
                  })
              .toList());
    }
    print(
        result,
        out -> {
          if (problems.isEmpty()) {
            out.println(source.name() + ": valid");
            for (Object t : (List<?>) result.get("tasks")) {
              Map<?, ?> task = (Map<?, ?>) t;
              out.println("  " + task.get("task") + ": " + task.get("policy"));
            }
          }
          problems.forEach(p -> out.println(source.name() + ": " + p));
        });
    return problems.isEmpty() ? 0 : ErrorCode.MANIFEST_INVALID.exitStatus();
  }
}
