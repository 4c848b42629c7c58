package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class DescribeCommand extends BaseCommand {

  @Override
  void declare(Definition d) {
    d.text(
        "agentcli as data, for agents and tools that would otherwise scrape --help: every command"
            + " with its options and parameters, every error code with its type and exit status.");
  }

  DescribeCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    List<Map<String, Object>> commands = new ArrayList<>();
    AgentCli.commandLine(ctx)
        .getSubcommands()
        .values()
        .forEach(c -> walk(c.getCommandSpec(), commands));
    List<Map<String, Object>> codes = new ArrayList<>();
    for (ErrorCode code : ErrorCode.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", code.id());
      m.put("error_type", code.errorType());
      m.put("exit_status", code.exitStatus());
      codes.add(m);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("version", new AgentCli.Version().getVersion()[0].replace("agentcli ", ""));
    result.put("commands", commands);
    result.put("error_codes", codes);
    print(result, out -> Output.text(out, result));
    return 0;
  }

  private static void walk(CommandSpec spec, List<Map<String, Object>> into) {
    if (spec.name().equals("help")) {
      return;
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("command", spec.qualifiedName(" ").replaceFirst("^agentcli ", ""));
    c.put("description", String.join(" ", spec.usageMessage().description()));
    List<Map<String, Object>> options = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("names", List.of(o.names()));
      m.put("takes", o.arity().max() > 0 ? o.paramLabel() : null);
      m.put("required", o.required());
      m.put("default", o.defaultValue());
      m.put("description", String.join(" ", o.description()));
      options.add(m);
    }
    c.put("options", options);
    List<Map<String, Object>> params = new ArrayList<>();
    for (PositionalParamSpec p : spec.positionalParameters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.paramLabel());
      m.put("required", p.arity().min() > 0);
      m.put("repeats", p.arity().max() > 1);
      m.put("description", String.join(" ", p.description()));
      params.add(m);
    }
    c.put("parameters", params);
    c.put("subcommands", new ArrayList<>(spec.subcommands().keySet()));
    into.add(c);
    spec.subcommands().values().forEach(sub -> walk(sub.getCommandSpec(), into));
  }
}
