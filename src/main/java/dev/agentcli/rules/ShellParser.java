package dev.agentcli.rules;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a shell command line into the simple commands it runs, as the shell that will run it reads
 * it (bash, or a POSIX shell such as dash). Written by hand because no library reads shell syntax
 * the way a gate needs it: exactly where it can and refusing where it cannot. Whatever it cannot be
 * sure of counts against the line: an expansion makes a word {@linkplain ShellLine.Word#dynamic
 * dynamic}; the commands inside substitutions, the substitutions of unquoted here-documents, the
 * scripts given to {@code sh -c} and {@code eval} are commands of the line; a here-document's body
 * is data; and a line whose reading is not certain (an unterminated quote, substitution or
 * here-document, constructs the shells read differently, {@code case}, arrays) is refused ({@code
 * command_unparsable}).
 */
public final class ShellParser {
  /** Longer lines are refused: no command a person is asked to judge is this long. */
  public static final int MAX_LENGTH = 64 * 1024;

  private static final int MAX_DEPTH = 32;

  private final String s;
  private final ShellDialect dialect;
  private final WordReader in;
  private int depth;
  private final List<ShellLine.SimpleCommand> commands = new ArrayList<>();
  private boolean compound;

  /** The commands inside substitutions, which come after the line's own. */
  private final List<ShellLine.SimpleCommand> substituted = new ArrayList<>();

  /** Here-documents whose bodies start after the next newline. */
  private final List<HereDocument> hereDocs = new ArrayList<>();

  /** The command being read. */
  private final PendingCommand command;

  /**
   * How many of {@link #hereDocs} came before the command being read: a shell that reads its script
   * from standard input reads the ones after.
   */
  private int hereDocsBefore;

  private ShellParser(String s, ShellDialect dialect, int depth) {
    this.s = s;
    this.dialect = dialect;
    this.depth = depth;
    this.in = new WordReader(s, dialect, this);
    this.command = new PendingCommand(s, dialect);
  }

  /** The commands of {@code line} as bash reads it; {@code command_unparsable} when it cannot. */
  public static ShellLine parse(String line) {
    return parse(line, ShellDialect.BASH);
  }

  /** The commands of {@code line} as {@code dialect} reads it. */
  public static ShellLine parse(String line, ShellDialect dialect) {
    ShellText.requireShownAsRun(line);
    ShellParser p = new ShellParser(line, dialect, 0);
    p.sequence((char) 0);
    List<ShellLine.SimpleCommand> all = new ArrayList<>(p.commands);
    all.addAll(p.substituted);
    return new ShellLine(all, p.compound || all.stream().filter(c -> !c.probe()).count() > 1);
  }

  /** Reads commands until {@code close} (a substitution's end) or the end of the text. */
  private void sequence(char close) {
    if (++depth > MAX_DEPTH) {
      throw unparsable("substitutions are nested more than " + MAX_DEPTH + " deep");
    }
    int parens = 0;
    while (true) {
      if (in.i >= s.length()) {
        if (close != 0) {
          throw unparsable("a $( is not closed");
        }
        if (parens != 0) {
          throw unparsable("a ( is not closed");
        }
        endCommand();
        if (!hereDocs.isEmpty()) {
          throw unparsable("a here-document has no body");
        }
        depth--;
        return;
      }
      char c = s.charAt(in.i);
      if (close != 0 && c == close && parens == 0) {
        in.i++;
        endCommand();
        if (!hereDocs.isEmpty()) {
          throw unparsable("a here-document inside $( ) has no body before its )");
        }
        depth--;
        return;
      }
      switch (c) {
        case ' ', '\t' -> {
          endWord();
          in.i++;
        }
        case '\n' -> {
          endCommand();
          in.i++;
          if (!hereDocs.isEmpty()) {
            hereDocBodies();
          }
        }
        case ';', '&', '|' -> {
          if (c == '&' && in.at(in.i + 1) == '>') {
            if (dialect == ShellDialect.POSIX) {
              throw unparsable("&> means & then > to a POSIX shell and a redirection to bash");
            }
            redirection();
          } else {
            endCommand();
            boolean pipe = c == '|' && in.at(in.i + 1) != '|';
            in.i +=
                (c == '|' || c == '&') && (in.at(in.i + 1) == '|' || in.at(in.i + 1) == '&')
                    ? 2
                    : 1;
            command.pipedIn = pipe;
          }
        }
        case '(' -> {
          if (in.inWord && in.word.length() > 0 && in.word.charAt(in.word.length() - 1) == '=') {
            throw unparsable("arrays (name=(...)) are not read");
          }
          if (in.at(in.i + 1) == '(' && !in.inWord && command.words.isEmpty()) {
            arithmeticCommand();
          } else if (functionOrSubshell()) {
            parens++;
          }
        }
        case ')' -> {
          if (parens == 0) {
            throw unparsable("a ) closes nothing");
          }
          parens--;
          endCommand();
          in.i++;
        }
        case '<', '>' -> redirection();
        case '#' -> {
          if (in.inWord) {
            in.word.append(c);
            in.i++;
          } else {
            while (in.i < s.length() && s.charAt(in.i) != '\n') {
              in.i++;
            }
          }
        }
        default -> in.wordPart();
      }
      if (command.functionNamed) {
        command.functionNamed = false;
        endCommand();
      }
    }
  }

  /**
   * {@code name()} defines a function: every later use of that name runs its body, so the name is a
   * command no rule may surely allow; otherwise {@code (} opens a subshell (true), which only a
   * command's start can.
   */
  private boolean functionOrSubshell() {
    int j = in.i + 1;
    while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
      j++;
    }
    List<ShellLine.Word> words = command.words;
    boolean named =
        in.inWord
            ? words.isEmpty() || (words.size() == 1 && command.definesFunction())
            : words.size() == 1;
    if (in.at(j) == ')' && named) {
      endWord();
      command.never = PendingCommand.FUNCTION;
      compound = true;
      endCommand();
      in.i = j + 1;
      return false;
    }
    if (in.inWord || !words.isEmpty()) {
      throw unparsable("a ( in the middle of a command");
    }
    endCommand();
    in.i++;
    return true;
  }

  /** {@code (( ... ))}: bash's arithmetic command, whose names bash evaluates. */
  private void arithmeticCommand() {
    if (dialect == ShellDialect.POSIX) {
      throw unparsable("(( is a subshell to a POSIX shell and arithmetic to bash");
    }
    int end = in.arithmeticEnd(in.i + 2);
    expansionsIn(s.substring(in.i + 2, end), true);
    command.words.add(new ShellLine.Word("((" + s.substring(in.i + 2, end) + "))", true));
    in.i = end + 2;
  }

  /** Reads the bodies of the pending here-documents, which start at {@code i}. */
  private void hereDocBodies() {
    for (HereDocument h : hereDocs) {
      HereDocument.Body read = h.read(s, in.i);
      String body = read.text();
      in.i = read.end();
      if (h.expands()) {
        expansionsIn(body, false);
      }
      if (h.script() != null) {
        if (h.expands() && (body.contains("$") || body.contains("`"))) {
          throw unparsable("a shell reads a script whose text is only known when the line runs");
        }
        script(body, h.script());
      }
    }
    hereDocs.clear();
    hereDocsBefore = 0;
  }

  /** A redirection and its target; a process substitution {@code <(...)} is a substitution. */
  private void redirection() {
    if (in.inWord && !in.quoted && !in.dynamic && in.word.chars().allMatch(Character::isDigit)) {
      in.resetWord(); // the descriptor number of 2>...
    } else if (in.inWord
        && !in.quoted
        && dialect == ShellDialect.BASH
        && in.word.toString().matches("\\{[A-Za-z_][A-Za-z0-9_]*\\}")) {
      in.resetWord(); // {fd}>file: bash assigns the descriptor to a variable
      command.assigns = true;
    } else {
      endWord();
    }
    int start = in.i;
    if (s.charAt(in.i) == '&') {
      in.i++;
    }
    if (in.at(in.i + 1) == '(') {
      if (dialect == ShellDialect.POSIX) {
        throw unparsable("process substitution is bash's, not a POSIX shell's");
      }
      in.i += 2;
      in.inWord = true;
      int at = in.i - 2;
      in.substitution();
      in.word.append(s, at, in.i);
      endWord();
      return;
    }
    Redirection r = Redirection.read(in, start, dialect);
    HereDocument hereDoc = r.hereDocument();
    if (hereDoc != null) {
      hereDocs.add(hereDoc);
      command.stdinFrom = "here-document";
      compound = true;
      return;
    }
    if (r.stdinFrom() != null) {
      command.stdinFrom = r.stdinFrom();
    }
    if (r.writesFile()) {
      command.writesFile = true;
      compound = true;
    }
  }

  private void endWord() {
    if (in.inWord) {
      command.take(in.word.toString(), in.dynamic, in.quoted, in.quotedFrom);
      if (command.definesFunction()) {
        compound = true;
      }
    }
    in.resetWord();
  }

  private void endCommand() {
    endWord();
    command.dropLoopHeader();
    List<ShellLine.Word> words = command.words;
    if (!words.isEmpty() && Programs.evaluatesNames(words)) {
      for (ShellLine.Word w : words) {
        expansionsIn(w.text(), true); // a[$(cmd)] quoted is still run by the builtin
      }
    }
    ShellDialect script = Programs.readsScriptFromStdin(words);
    if (script != null && (command.pipedIn || command.stdinFrom != null)) {
      if (!"here-document".equals(command.stdinFrom)) {
        throw unparsable(
            words.get(0).text()
                + " reads a script from its standard input, which the reader cannot see");
      }
      for (int k = hereDocsBefore; k < hereDocs.size(); k++) {
        hereDocs.set(k, hereDocs.get(k).readBy(script));
      }
    }
    ShellLine.SimpleCommand c = command.command();
    if (c != null) {
      commands.add(c);
      Wrapped.commandsRunBy(c, dialect, depth, commands);
      if (commands.size() > 1) {
        compound = true;
      }
    }
    command.clear();
    hereDocsBefore = hereDocs.size();
  }

  /** Reads the commands of the substitution whose text starts at {@code from}; returns its end. */
  int substitution(int from) {
    ShellParser inner = new ShellParser(s, dialect, depth);
    inner.in.i = from;
    inner.sequence(')');
    adopt(inner);
    return inner.in.i;
  }

  /**
   * Reads {@code text} (a backquoted substitution's body, a script) as {@code reader} does: its
   * commands are the line's.
   */
  void script(String text, ShellDialect reader) {
    ShellParser inner = new ShellParser(text, reader, depth);
    inner.sequence((char) 0);
    adopt(inner);
  }

  /**
   * The substitutions in {@code text} (a here-document's body, or arithmetic), read as inside
   * double quotes but with {@code "} plain: their commands are commands of the line.
   */
  void expansionsIn(String text, boolean arithmetic) {
    if (!text.contains("$") && !text.contains("`")) {
      return;
    }
    compound = true;
    ShellParser body = new ShellParser(text, dialect, depth);
    body.in.expansionsOnly(arithmetic);
    adopt(body);
  }

  /**
   * A here-document's body starts at the next newline: a substitution (its text from {@code from}
   * to {@code to}) may not contain that newline while one is pending.
   */
  void requireNoPendingHereDoc(int from, int to) {
    if (!hereDocs.isEmpty() && s.substring(from, Math.min(to, s.length())).indexOf('\n') >= 0) {
      throw unparsable("a substitution spans the line that a here-document's body would start on");
    }
  }

  /** Takes the commands another reader found (a substitution's, a script's) as the line's. */
  private void adopt(ShellParser inner) {
    substituted.addAll(inner.commands);
    substituted.addAll(inner.substituted);
    compound = true;
  }

  private AgentCliException unparsable(String why) {
    return unparsable(s, why);
  }

  static AgentCliException unparsable(String line, String why) {
    return new AgentCliException(
        ErrorCode.COMMAND_UNPARSABLE,
        "the command cannot be read safely, so it is refused: " + why,
        Map.of("length", line.length()));
  }
}
