package dev.agentcli.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The simple command being read: its words so far and what makes it more than its words. The shell
 * gives a word its meaning by its place: an assignment only before the program, a reserved word
 * only first.
 */
final class PendingCommand {
  static final String FUNCTION =
      "it defines a function, which runs instead of any command of that name";

  /** Words that open or close a construct: the command is what follows them. */
  private static final Set<String> RESERVED =
      Set.of("!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}");

  /** Constructs the reader does not follow: a line using one is refused. */
  private static final Set<String> UNREAD = Set.of("case", "esac", "select", "coproc");

  private final String line;
  private final ShellDialect dialect;

  final List<ShellLine.Word> words = new ArrayList<>();
  boolean assigns;
  boolean writesFile;
  String never;
  private boolean loopHeader;

  /** {@code function NAME} was read: the definition ends with its name. */
  boolean functionNamed;

  boolean pipedIn;

  /** What the command's standard input is redirected from ("file", "here-document"...), or null. */
  String stdinFrom;

  PendingCommand(String line, ShellDialect dialect) {
    this.line = line;
    this.dialect = dialect;
  }

  /**
   * Takes the word just read, as the shell reads it at this place.
   *
   * @param quotedFrom where the word's first quoted piece starts, or -1
   */
  void take(String text, boolean dynamic, boolean quoted, int quotedFrom) {
    int eq = text.indexOf('=');
    String name = eq > 0 ? text.substring(0, eq).replaceFirst("\\+$", "") : "";
    boolean first = words.isEmpty() && !quoted;
    boolean assignment =
        words.isEmpty()
            && eq > 0
            && (quotedFrom < 0 || eq < quotedFrom)
            && (name.matches("[A-Za-z_][A-Za-z0-9_]*")
                || (dialect == ShellDialect.BASH
                    && name.matches("[A-Za-z_][A-Za-z0-9_]*\\[.*\\]")));
    if (assignment) {
      assigns = true;
    } else if (first && UNREAD.contains(text)) {
      throw ShellParser.unparsable(line, text + " is not read: write the commands plainly");
    } else if (first && text.equals("function")) {
      if (dialect == ShellDialect.POSIX) {
        throw ShellParser.unparsable(
            line, "function is a keyword to bash and a command to a POSIX shell");
      }
      never = FUNCTION;
      words.add(new ShellLine.Word(text, dynamic));
    } else if (first && text.equals("for")) {
      loopHeader = true; // for NAME in WORDS: expanded, not run
    } else if (first && text.equals("[[") && dialect == ShellDialect.POSIX) {
      throw ShellParser.unparsable(line, "[[ is a keyword to bash and a command to a POSIX shell");
    } else if (!(first && RESERVED.contains(text))) {
      words.add(new ShellLine.Word(text, dynamic));
      // function NAME: the definition ends with its name; the body is commands of its own.
      functionNamed =
          words.size() == 2 && definesFunction() && "function".equals(words.get(0).text());
    }
  }

  boolean definesFunction() {
    return FUNCTION.equals(never);
  }

  /** Drops the header of a {@code for NAME in WORDS} loop, whose words are expanded, not run. */
  void dropLoopHeader() {
    if (loopHeader) {
      if (words.size() > 1 && !words.get(1).text().equals("in")) {
        throw ShellParser.unparsable(
            line, "for " + words.get(0).text() + " " + words.get(1).text() + " is not read");
      }
      loopHeader = false;
      words.clear();
    }
  }

  /** The command read, or null when nothing was. */
  ShellLine.SimpleCommand command() {
    if (words.isEmpty() && !assigns && !writesFile) {
      return null;
    }
    return new ShellLine.SimpleCommand(
        words, assigns, writesFile, never != null ? never : Programs.never(words), false);
  }

  void clear() {
    words.clear();
    assigns = false;
    writesFile = false;
    never = null;
    pipedIn = false;
    stdinFrom = null;
  }
}
