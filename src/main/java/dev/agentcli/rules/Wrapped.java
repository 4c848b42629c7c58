package dev.agentcli.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands that a command runs in turn: the script of {@code sh -c} or {@code eval} (read as a
 * line of its own: they run), and for a wrapper ({@code env}, {@code timeout}, {@code xargs}...) or
 * {@code find -exec} each way its words could name the program it runs (probes: only a deny or an
 * ask rule counts for them, so {@code timeout 5 rm -rf /} is denied as {@code rm -rf /} is).
 */
final class Wrapped {
  /** A wrapper with more words than this before its program cannot be seen through. */
  private static final int MAX_PROBES = 64;

  private Wrapped() {}

  /** Adds to {@code out} what {@code c} runs, read in {@code dialect}. */
  static void commandsRunBy(
      ShellLine.SimpleCommand c,
      ShellDialect dialect,
      int depth,
      List<ShellLine.SimpleCommand> out) {
    List<ShellLine.Word> w = c.words();
    if (w.isEmpty() || w.get(0).dynamic() || depth > 8) {
      return;
    }
    String name = Programs.baseName(w.get(0).text());
    if (name.equals("eval")) {
      script(c, w.subList(1, w.size()), dialect, depth, out);
    } else if (name.equals("trap")) {
      // trap ACTION SIGNAL...: the action runs later, as eval would run it.
      int k = 1;
      while (k < w.size() && w.get(k).text().equals("--")) {
        k++;
      }
      if (k < w.size() && !w.get(k).text().startsWith("-")) {
        script(c, List.of(w.get(k)), dialect, depth, out);
      }
    } else if (Programs.SHELLS.containsKey(name)) {
      shellScript(c, Programs.SHELLS.get(name), depth, out);
    } else if (Programs.WRAPPERS.contains(name)) {
      boolean stdinArgs = name.equals("xargs") || name.equals("parallel");
      int probes = 0;
      for (int k = 1; k < w.size(); k++) {
        ShellLine.Word program = w.get(k);
        if (!program.dynamic()
            && (program.text().startsWith("-") || program.text().contains("="))
            && !program.text().contains(" ")) {
          continue; // an option or an assignment, not a program
        }
        if (++probes > MAX_PROBES) {
          throw ShellParser.unparsable(
              c.text(), "too many words after " + name + " to see which program it runs");
        }
        List<ShellLine.Word> run = new ArrayList<>(w.subList(k, w.size()));
        if (stdinArgs) {
          run.add(new ShellLine.Word("<arguments read from stdin>", true));
        }
        probe(run, "run by " + name, dialect, depth, out);
        if (!program.dynamic() && program.text().matches(".*[\\s;&|<>$`].*")) {
          // A whole command line given as one word (watch 'rm -rf /', su -c '...'): read it.
          for (ShellLine.SimpleCommand inner :
              ShellParser.parse(program.text(), dialect).commands()) {
            probe(inner.words(), "run by " + name, dialect, depth, out);
          }
        }
      }
    } else if (name.equals("find")) {
      for (int k = 1; k < w.size(); k++) {
        String t = w.get(k).text();
        if (t.equals("-exec") || t.equals("-execdir") || t.equals("-ok") || t.equals("-okdir")) {
          List<ShellLine.Word> run = new ArrayList<>();
          for (k++;
              k < w.size() && !w.get(k).text().equals(";") && !w.get(k).text().equals("+");
              k++) {
            run.add(
                w.get(k).text().contains("{}")
                    ? new ShellLine.Word(w.get(k).text(), true)
                    : w.get(k));
          }
          probe(run, "run by find " + t, dialect, depth, out);
        }
      }
    }
  }

  private static void probe(
      List<ShellLine.Word> words,
      String why,
      ShellDialect dialect,
      int depth,
      List<ShellLine.SimpleCommand> out) {
    if (words.isEmpty()) {
      return;
    }
    ShellLine.SimpleCommand p = new ShellLine.SimpleCommand(words, false, false, why, true);
    out.add(p);
    commandsRunBy(p, dialect, depth + 1, out);
  }

  /** {@code sh -c SCRIPT}: the script's commands; a shell run on a file runs what is in it. */
  private static void shellScript(
      ShellLine.SimpleCommand c,
      ShellDialect dialect,
      int depth,
      List<ShellLine.SimpleCommand> out) {
    List<ShellLine.Word> w = c.words();
    boolean dashC = false;
    for (int k = 1; k < w.size(); k++) {
      String t = w.get(k).text();
      if (w.get(k).dynamic()) {
        throw ShellParser.unparsable(c.text(), "a shell is given words the reader cannot see");
      }
      if (t.equals("--")) {
        continue;
      }
      if ((t.startsWith("-") || t.startsWith("+")) && t.length() > 1) {
        dashC |= t.startsWith("-") && !t.startsWith("--") && t.indexOf('c') > 0;
        if (t.equals("-o") || t.equals("+o") || t.equals("-O") || t.equals("+O")) {
          k++;
        }
        continue;
      }
      if (dashC) {
        script(c, List.of(w.get(k)), dialect, depth, out);
      }
      return;
    }
  }

  /** A script given as words, joined by spaces as eval does, read as a line in {@code dialect}. */
  private static void script(
      ShellLine.SimpleCommand c,
      List<ShellLine.Word> words,
      ShellDialect dialect,
      int depth,
      List<ShellLine.SimpleCommand> out) {
    if (words.stream().anyMatch(ShellLine.Word::dynamic)) {
      throw ShellParser.unparsable(
          c.text(), "it runs a script that is only known when the line runs");
    }
    String text = String.join(" ", words.stream().map(ShellLine.Word::text).toList());
    for (ShellLine.SimpleCommand inner : ShellParser.parse(text, dialect).commands()) {
      out.add(
          c.probe()
              ? new ShellLine.SimpleCommand(
                  inner.words(),
                  inner.assigns(),
                  inner.writesFile(),
                  inner.never() == null ? "run by " + c.words().get(0).text() : inner.never(),
                  true)
              : inner);
    }
  }
}
