package dev.agentcli.hook;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.rules.Decision;
import dev.agentcli.rules.Rules;
import dev.agentcli.rules.Ruling;
import dev.agentcli.rules.ShellLine;
import dev.agentcli.rules.ShellParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the rules make of a Bash tool call before anyone is asked: allowed, denied (with the reason
 * the model reads), or gated, a single command that runs only with a person's approval. A line of
 * several commands (;, &&, |, a substitution, a redirection that writes a file) that holds a gated
 * command anywhere is denied: a person is asked to judge one command, not a line that could hide
 * another.
 */
public sealed interface BashJudgement {
  /** The ruling that decided, for the audit trail. */
  Ruling ruling();

  record Allowed(Ruling ruling) implements BashJudgement {}

  record Denied(Ruling ruling, String reason) implements BashJudgement {}

  record Gated(Ruling ruling) implements BashJudgement {}

  /**
   * @param cwd where the line runs, and {@code env} its environment: an allow holds only while the
   *     programs it names are not ones the caller could have put in PATH's way, and no git
   *     configuration there runs a program
   */
  static BashJudgement of(String command, Rules rules, Path cwd, Map<String, String> env) {
    ShellLine line;
    try {
      line = ShellParser.parse(command);
    } catch (AgentCliException unreadable) {
      Ruling r = new Ruling(Decision.DENY, "unparsable", "", unreadable.getMessage(), null);
      return new Denied(
          r, unreadable.getMessage() + " (" + unreadable.code().id() + "); write it more simply");
    }
    if (line.commands().isEmpty()) {
      Ruling r = rules.judge(line);
      return new Denied(r, "the command runs nothing");
    }
    List<Ruling> rulings = new ArrayList<>(rules.rulings(line));
    if (rulings.stream().allMatch(r -> r.decision() == Decision.ALLOW)) {
      rules.unsureAllow(line, cwd, env).ifPresent(rulings::add);
    }
    for (Ruling r : rulings) {
      if (r.decision() == Decision.DENY) {
        return new Denied(
            r,
            "agentcli's rules deny `"
                + r.command()
                + "` (rule \""
                + r.rule()
                + "\")"
                + (r.reason() == null ? "" : ": " + r.reason())
                + ". Do not retry it in another form.");
      }
    }
    for (Ruling r : rulings) {
      if (r.decision() == Decision.ASK && line.compound()) {
        return new Denied(
            r,
            "this line needs a person's approval for `"
                + r.command()
                + "`, and it is more than one plain command (;, &&, ||, |, $(...), backticks,"
                + " a newline or a redirection to a file). Run the command that needs approval on"
                + " its own, as one plain command, so that a person can approve exactly it.");
      }
      if (r.decision() == Decision.ASK) {
        return new Gated(r);
      }
    }
    return new Allowed(rulings.get(0));
  }
}
