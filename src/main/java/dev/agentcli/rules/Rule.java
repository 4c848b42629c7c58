package dev.agentcli.rules;

import dev.agentcli.manifest.ApprovalRules;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One rule: a pattern of words, what it decides, and for {@code ask} the approval it asks for.
 *
 * <p>A pattern is words separated by spaces; {@code *} and {@code ?} inside a word match any
 * characters and one character; a last word {@code *} alone matches any further words, none
 * included, and a word {@code **} anywhere matches any number of words ({@code find ** -delete *}).
 * The first word is the program. A rule that allows must match for sure: every word as written, the
 * program exactly as the command names it. A rule that asks or denies matches when it might: the
 * program by its file name too ({@code rm} matches {@code /bin/rm}), and a word the shell would
 * expand matches anything.
 */
public record Rule(String match, Decision decision, String reason, ApprovalRules approval) {

  public List<String> pattern() {
    return PATTERNS.computeIfAbsent(match, m -> List.of(m.strip().split("[ \t]+")));
  }

  /** Each rule's words, split once. */
  private static final Map<String, List<String>> PATTERNS = new ConcurrentHashMap<>();

  /** Whether this rule applies to {@code command}: surely for allow, possibly for ask and deny. */
  public boolean matches(ShellLine.SimpleCommand command) {
    List<String> p = pattern();
    List<ShellLine.Word> w = command.words();
    if (w.isEmpty()) {
      return false;
    }
    if (decision == Decision.ALLOW) {
      return command.certainButForGlobs()
          && !w.get(0).dynamic()
          && glob(p.get(0), w.get(0).text())
          && rest(p, 1, w, 1, false);
    }
    ShellLine.Word program = w.get(0);
    if (program.dynamic()) {
      // It may expand to the program and some of the words after it ($X, rm${IFS}-rf).
      for (int k = 1; k <= p.size(); k++) {
        if (rest(p, k, w, 1, true)) {
          return true;
        }
      }
      return false;
    }
    boolean head =
        glob(p.get(0), program.text())
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
      // Any further words; for an allow, a glob among them only if it names paths that cannot
      // be options (src/*.java, not *.java, which a file named --output=x.java would match).
      return might || w.subList(wi, w.size()).stream().allMatch(Rule::pathsOnly);
    }
    if (p.get(pi).equals("**")) {
      for (int k = wi; k <= w.size(); k++) {
        if (rest(p, pi + 1, w, k, might)) {
          return true;
        }
      }
      return false;
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
    return (might || !word.dynamic())
        && glob(p.get(pi), word.text())
        && rest(p, pi + 1, w, wi + 1, might);
  }

  /**
   * A word that is known, or a glob with a literal start that is no option ({@code src/*.java}): it
   * expands to names of files, each an argument, never an option or another expansion.
   */
  static boolean pathsOnly(ShellLine.Word word) {
    String t = word.text();
    return !word.dynamic()
        || (!t.isEmpty()
            && "-*?[{}~$`".indexOf(t.charAt(0)) < 0
            && t.chars().noneMatch(c -> c == '$' || c == '`' || c == '{' || c == '}'));
  }

  private static String baseName(String program) {
    int slash = program.lastIndexOf('/');
    return slash < 0 ? program : program.substring(slash + 1);
  }

  /** Each pattern word's regular expression, compiled once: a long line is judged many times. */
  private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();

  static boolean glob(String pattern, String text) {
    if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
      return pattern.equals(text);
    }
    return GLOBS.computeIfAbsent(pattern, Rule::compile).matcher(text).matches();
  }

  private static Pattern compile(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf(c));
          });
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
