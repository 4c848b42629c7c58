package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class ManCommand extends BaseCommand {
  List<String> names = new ArrayList<>();

  @Override
  void declare(Definition d) {
    d.text(
        "Print the manual page of a command (troff, generated from the command model):"
            + " agentcli man exec | man -l -, or agentcli man approvals list. Without a command,"
            + " agentcli's own page, which lists the commands and every exit status.");
    d.positionals("0..*")
        .arity("0..2")
        .label("<command>")
        .text("The command (and subcommand), e.g. exec, or approvals list.")
        .to(v -> names = v);
  }

  ManCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    CommandLine cli = HelpCommand.named(AgentCli.commandLine(ctx), names);
    out().print(page(cli.getCommandSpec()));
    out().flush();
    return 0;
  }

  static String page(CommandSpec spec) {
    String version = new AgentCli.Version().getVersion()[0];
    String title = spec.qualifiedName("-").toUpperCase(Locale.ROOT);
    StringBuilder t = new StringBuilder();
    t.append(".TH \"")
        .append(title)
        .append("\" \"1\" \"\" \"")
        .append(version)
        .append("\" \"agentcli manual\"\n");
    String[] description = spec.usageMessage().description();
    t.append(".SH NAME\n")
        .append(esc(spec.qualifiedName("-")))
        .append(" \\- ")
        .append(esc(description.length == 0 ? "" : firstSentence(description[0])))
        .append('\n');
    t.append(".SH SYNOPSIS\n.nf\n")
        .append(esc(spec.commandLine().getHelp().synopsis(0).strip()))
        .append("\n.fi\n");
    t.append(".SH DESCRIPTION\n");
    for (String paragraph : description) {
      t.append(".PP\n").append(esc(paragraph)).append('\n');
    }
    if (!spec.positionalParameters().isEmpty()) {
      t.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : spec.positionalParameters()) {
        t.append(".TP\n.B ").append(esc(p.paramLabel())).append('\n');
        t.append(esc(String.join(" ", p.description()))).append('\n');
      }
    }
    if (!spec.options().isEmpty()) {
      t.append(".SH OPTIONS\n");
      for (OptionSpec o : spec.options()) {
        t.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
        if (o.arity().max() > 0) {
          t.append(" ").append(esc(o.paramLabel()));
        }
        t.append('\n').append(esc(String.join(" ", o.description()))).append('\n');
      }
    }
    if (!spec.subcommands().isEmpty()) {
      t.append(".SH COMMANDS\n");
      spec.subcommands()
          .forEach(
              (name, sub) -> {
                String[] d = sub.getCommandSpec().usageMessage().description();
                t.append(".TP\n.B ").append(esc(name)).append('\n');
                t.append(esc(d.length == 0 ? "" : firstSentence(d[0]))).append('\n');
              });
    }
    if (spec.parent() == null) {
      t.append(".SH EXIT STATUS\n");
      Map<Integer, List<String>> byStatus = new TreeMap<>();
      for (ErrorCode c : ErrorCode.values()) {
        byStatus.computeIfAbsent(c.exitStatus(), s -> new ArrayList<>()).add(c.id());
      }
      t.append(".TP\n.B 0\nsuccess (exec and run: the task's own status)\n");
      byStatus.forEach(
          (status, codes) ->
              t.append(".TP\n.B ")
                  .append(status)
                  .append('\n')
                  .append(esc(String.join(", ", codes)))
                  .append('\n'));
    }
    t.append(".SH SEE ALSO\nagentcli describe (the same as JSON), agentcli ")
        .append(esc(spec.qualifiedName(" ").replaceFirst("^agentcli ?", "")))
        .append(" \\-\\-help\n");
    return t.toString();
  }

  private static String firstSentence(String text) {
    int colon = text.indexOf(": ");
    int stop = text.indexOf(". ");
    int end = stop < 0 ? text.length() : stop;
    return (colon > 0 && colon < end ? text.substring(0, colon) : text.substring(0, end)).strip();
  }

  /** troff escapes: a backslash, a hyphen, and a line that would start with a control character. */
  private static String esc(String s) {
    String e = s.replace("\\", "\\e").replace("-", "\\-");
    return e.replaceAll("(?m)^([.'])", "\\\\&$1");
  }
}
