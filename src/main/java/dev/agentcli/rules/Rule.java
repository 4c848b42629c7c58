package dev.agentcli.rules;

import dev.agentcli.manifest.ApprovalRules;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One rule: a pattern of words, what it decides, and for {@code ask} the approval it asks for.
 *
 * <p>A pattern is words separated by spaces; {@code *} and {@code ?} inside a word match any
 * characters and one character; a last word {@code *} alone matches any further words, none
 * included. The first word is the program. A rule that allows must match for sure: every word as
 * written, the program exactly as the command names it. A rule that asks or denies matches when it
 * might: the program by its file name too ({@code rm} matches {@code /bin/rm}), and a word the
 * shell would expand matches anything.
 */
public record Rule(String match, Decision decision, String reason, ApprovalRules approval) {

  public List<String> pattern() {
    return List.of(match.strip().split("[ \t]+"));
  }

  /** Whether this rule applies to {@code command}: surely for allow, possibly for ask and deny. */
  public boolean matches(ShellLine.SimpleCommand command) {
    List<String> p = pattern();
    List<ShellLine.Word> w = command.words();
    if (w.isEmpty()) {
      return false;
    }
    if (decision == Decision.ALLOW) {
      return command.certain() && glob(p.get(0), w.get(0).text()) && rest(p, 1, w, 1, false);
    }
    ShellLine.Word program = w.get(0);
    boolean head =
        program.dynamic()
            || glob(p.get(0), program.text())
            || (!p.get(0).contains("/") && glob(p.get(0), baseName(program.text())));
    return head && rest(p, 1, w, 1, true);
  }

  private static boolean rest(
      List<String> p, int pi, List<ShellLine.Word> w, int wi, boolean might) {
    if (pi == p.size()) {
      return wi == w.size()
          || (might && w.subList(wi, w.size()).stream().allMatch(ShellLine.Word::dynamic));
    }
    if (pi == p.size() - 1 && p.get(pi).equals("*")) {
      return true;
    }
    if (wi == w.size()) {
      return false;
    }
    ShellLine.Word word = w.get(wi);
    if (might && word.dynamic()) {
      // It may expand to any number of words, none included.
      for (int k = pi; k <= p.size(); k++) {
        if (rest(p, k, w, wi + 1, true)) {
          return true;
        }
      }
      return false;
    }
    return glob(p.get(pi), word.text()) && rest(p, pi + 1, w, wi + 1, might);
  }

  private static String baseName(String program) {
    int slash = program.lastIndexOf('/');
    return slash < 0 ? program : program.substring(slash + 1);
  }

  static boolean glob(String pattern, String text) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf(c));
          });
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(text).matches();
  }
}
