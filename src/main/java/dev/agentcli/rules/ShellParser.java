package dev.agentcli.rules;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a POSIX shell command line into the simple commands it runs. Written by hand because no
 * library reads shell syntax the way a gate needs it: conservatively. Whatever it cannot be sure of
 * counts against the line: an expansion makes a word {@linkplain ShellLine.Word#dynamic dynamic}, a
 * substitution's inner commands are commands of the line, the words after {@code if}, {@code then},
 * {@code do}... are a command, and a line it cannot read at all (an unterminated quote or
 * substitution) is refused ({@code command_unparsable}).
 */
public final class ShellParser {
  /** Longer lines are refused: no command a person is asked to judge is this long. */
  public static final int MAX_LENGTH = 64 * 1024;

  private static final int MAX_DEPTH = 32;

  /** Words that open or close a construct: the command is what follows them. */
  private static final Set<String> RESERVED =
      Set.of(
          "!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "time", "{", "}",
          "esac", "[[", "]]");

  private final String s;
  private int i;
  private int depth;
  private final List<ShellLine.SimpleCommand> commands = new ArrayList<>();
  private boolean compound;

  /** The commands inside substitutions, which come after the line's own. */
  private final List<ShellLine.SimpleCommand> substituted = new ArrayList<>();

  // The command being read.
  private final List<ShellLine.Word> words = new ArrayList<>();
  private boolean assigns;
  private boolean writesFile;

  // The word being read.
  private final StringBuilder word = new StringBuilder();
  private boolean inWord;
  private boolean dynamic;
  private boolean quoted;
  private int quotedFrom = -1;

  private ShellParser(String s) {
    this.s = s;
  }

  /** The commands of {@code line}; {@code command_unparsable} when it cannot be read. */
  public static ShellLine parse(String line) {
    if (line.length() > MAX_LENGTH) {
      throw unparsable(line, "it is longer than " + MAX_LENGTH + " characters");
    }
    if (line.indexOf('\0') >= 0) {
      throw unparsable(line, "it contains a NUL character");
    }
    ShellParser p = new ShellParser(line);
    p.sequence((char) 0);
    List<ShellLine.SimpleCommand> all = new ArrayList<>(p.commands);
    all.addAll(p.substituted);
    return new ShellLine(all, p.compound || all.size() > 1);
  }

  /** Reads commands until {@code close} (a substitution's end) or the end of the line. */
  private void sequence(char close) {
    if (++depth > MAX_DEPTH) {
      throw unparsable(s, "substitutions are nested more than " + MAX_DEPTH + " deep");
    }
    while (true) {
      if (i >= s.length()) {
        if (close != 0) {
          throw unparsable(s, "a " + (close == '`' ? "`" : "$(") + " is not closed");
        }
        endCommand();
        depth--;
        return;
      }
      char c = s.charAt(i);
      if (close != 0 && c == close) {
        i++;
        endCommand();
        depth--;
        return;
      }
      switch (c) {
        case ' ', '\t' -> {
          endWord();
          i++;
        }
        case '\n', ';', '&', '|', '(', ')' -> {
          if (c == '&' && at(i + 1) == '>') {
            redirection();
          } else {
            endCommand();
            i++;
          }
        }
        case '<', '>' -> redirection();
        case '#' -> {
          if (inWord) {
            append(c);
            i++;
          } else {
            while (i < s.length() && s.charAt(i) != '\n') {
              i++;
            }
          }
        }
        default -> wordPart();
      }
    }
  }

  /** One piece of a word: a quoted string, an expansion, an escaped or a plain character. */
  private void wordPart() {
    char c = s.charAt(i);
    inWord = true;
    switch (c) {
      case '\'' -> {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw unparsable(s, "a ' is not closed");
        }
        word.append(s, i + 1, end);
        markQuoted();
        i = end + 1;
      }
      case '"' -> doubleQuoted();
      case '\\' -> {
        if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i += 2; // a line continuation
        } else if (i + 1 < s.length()) {
          word.append(s.charAt(i + 1));
          markQuoted();
          i += 2;
        } else {
          i++;
        }
      }
      case '$' -> expansion();
      case '`' -> {
        i++;
        substitution('`', "`");
      }
      case '*', '?', '[', '{', '}', '~' -> {
        if (c != '~' || word.isEmpty()) {
          dynamic = true;
        }
        append(c);
        i++;
      }
      default -> {
        append(c);
        i++;
      }
    }
  }

  private void doubleQuoted() {
    markQuoted();
    i++;
    while (true) {
      if (i >= s.length()) {
        throw unparsable(s, "a \" is not closed");
      }
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        return;
      }
      if (c == '\\' && i + 1 < s.length() && "$`\"\\\n".indexOf(s.charAt(i + 1)) >= 0) {
        if (s.charAt(i + 1) != '\n') {
          word.append(s.charAt(i + 1));
        }
        i += 2;
      } else if (c == '$') {
        expansion();
      } else if (c == '`') {
        i++;
        substitution('`', "`");
      } else {
        word.append(c);
        i++;
      }
    }
  }

  /** {@code $(...)}, {@code $((...))}, {@code ${...}}, {@code $name}, {@code $'...'}. */
  private void expansion() {
    dynamic = true;
    char next = at(i + 1);
    if (next == '(') {
      i += 2;
      substitution(')', "$(");
    } else if (next == '{') {
      int end = matching(i + 1, '{', '}');
      String inner = s.substring(i + 2, end);
      i = end + 1;
      word.append("${").append(inner).append('}');
      nested(inner);
    } else if (next == '\'') {
      int end = s.indexOf('\'', i + 2);
      while (end > 0 && s.charAt(end - 1) == '\\') {
        end = s.indexOf('\'', end + 1);
      }
      if (end < 0) {
        throw unparsable(s, "a $' is not closed");
      }
      word.append(s, i + 2, end);
      i = end + 1;
    } else {
      word.append('$');
      i++;
    }
  }

  /** A command substitution: its commands are the line's, and the word it stands in is unknown. */
  private void substitution(char close, String opener) {
    compound = true;
    dynamic = true;
    int start = i;
    ShellParser inner = new ShellParser(s);
    inner.i = i;
    inner.depth = depth;
    inner.sequence(close);
    substituted.addAll(inner.commands);
    substituted.addAll(inner.substituted);
    i = inner.i;
    word.append(opener).append(s, start, i); // shown as written
  }

  /** Text that is not a command itself but may hold substitutions ({@code ${x:-$(cmd)}}). */
  private void nested(String text) {
    if (text.contains("$(") || text.contains("`") || text.contains("<(") || text.contains(">(")) {
      compound = true;
      ShellParser inner = new ShellParser(text);
      inner.depth = depth;
      inner.sequence((char) 0);
      substituted.addAll(inner.substituted);
    }
  }

  /** A redirection and its target; a process substitution {@code <(...)} is a substitution. */
  private void redirection() {
    if (inWord && !quoted && !dynamic && word.chars().allMatch(Character::isDigit)) {
      resetWord(); // the descriptor number of 2>...
    } else {
      endWord();
    }
    int start = i;
    if (s.charAt(i) == '&') {
      i++;
    }
    char first = s.charAt(i);
    if (at(i + 1) == '(') {
      i += 2;
      inWord = true;
      substitution(')', first + "(");
      endWord();
      return;
    }
    i++;
    while (i < s.length() && "<>&|-".indexOf(s.charAt(i)) >= 0 && i - start < 3) {
      i++;
    }
    String op = s.substring(start, i);
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    if (i >= s.length() || "\n;&|()<>".indexOf(s.charAt(i)) >= 0) {
      throw unparsable(s, "the redirection " + op + " has no target");
    }
    while (i < s.length() && " \t\n;&|()<>".indexOf(s.charAt(i)) < 0) {
      wordPart();
    }
    String target = word.toString();
    boolean targetDynamic = dynamic;
    resetWord();
    if (op.startsWith("<<")) {
      compound = true; // a here-document: its body lines are read as commands, to be safe
      return;
    }
    boolean duplicates = op.endsWith("&") && target.matches("[0-9]+|-");
    boolean writes = first == '>' || op.equals("&>") || op.equals("&>>") || op.equals("<>");
    if (writes && !duplicates && (targetDynamic || !target.equals("/dev/null"))) {
      writesFile = true;
      compound = true;
    }
  }

  private int matching(int open, char opening, char closing) {
    int level = 0;
    for (int j = open; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == opening) {
        level++;
      } else if (c == closing && --level == 0) {
        return j;
      }
    }
    throw unparsable(s, "a ${ is not closed");
  }

  private char at(int j) {
    return j < s.length() ? s.charAt(j) : 0;
  }

  private void append(char c) {
    word.append(c);
  }

  private void endWord() {
    if (inWord) {
      String text = word.toString();
      int eq = text.indexOf('=');
      if (words.isEmpty()
          && eq > 0
          && (quotedFrom < 0 || eq < quotedFrom)
          && text.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        assigns = true;
      } else if (!(words.isEmpty() && !quoted && RESERVED.contains(text))) {
        words.add(new ShellLine.Word(text, dynamic));
      }
    }
    resetWord();
  }

  private void resetWord() {
    word.setLength(0);
    inWord = false;
    dynamic = false;
    quoted = false;
    quotedFrom = -1;
  }

  private void markQuoted() {
    if (!quoted) {
      quoted = true;
      quotedFrom = word.length();
    }
  }

  private void endCommand() {
    endWord();
    if (!words.isEmpty() || assigns || writesFile) {
      commands.add(new ShellLine.SimpleCommand(words, assigns, writesFile));
    }
    words.clear();
    assigns = false;
    writesFile = false;
  }

  private static AgentCliException unparsable(String line, String why) {
    return new AgentCliException(
        ErrorCode.COMMAND_UNPARSABLE,
        "the command cannot be read safely, so it is refused: " + why,
        Map.of("length", line.length()));
  }
}
