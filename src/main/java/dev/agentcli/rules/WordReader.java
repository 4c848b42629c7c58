package dev.agentcli.rules;

import dev.agentcli.error.AgentCliException;

/**
 * The position in a line and the word being read there, piece by piece as the shell reads it:
 * quotes, escapes, {@code $'...'}, expansions. The commands inside substitutions are read by the
 * {@link ShellParser} that owns this reader, which takes them as the line's.
 */
final class WordReader {
  final String s;
  private final ShellDialect dialect;
  private final ShellParser owner;
  int i;

  // The word being read.
  final StringBuilder word = new StringBuilder();
  boolean inWord;
  boolean dynamic;
  boolean quoted;
  int quotedFrom = -1;

  WordReader(String s, ShellDialect dialect, ShellParser owner) {
    this.s = s;
    this.dialect = dialect;
    this.owner = owner;
  }

  char at(int j) {
    return j < s.length() ? s.charAt(j) : 0;
  }

  void resetWord() {
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

  /** One piece of a word: a quoted string, an expansion, an escaped or a plain character. */
  void wordPart() {
    char c = s.charAt(i);
    inWord = true;
    switch (c) {
      case '\'' -> {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw unparsable("a ' is not closed");
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
      case '$' -> expansion(false);
      case '`' -> backquoted(false);
      case '*', '?', '[', '{', '}', '~' -> {
        if ((c != '~' || word.isEmpty()) && (c != '[' || closedInWord(i + 1, ']'))) {
          dynamic = true;
        }
        word.append(c);
        i++;
      }
      default -> {
        word.append(c);
        i++;
      }
    }
  }

  /** Whether {@code close} comes before the word that continues at {@code from} ends. */
  private boolean closedInWord(int from, char close) {
    for (int j = from; j < s.length() && " \t\n;&|()<>".indexOf(s.charAt(j)) < 0; j++) {
      if (s.charAt(j) == close) {
        return true;
      }
    }
    return false;
  }

  private void doubleQuoted() {
    markQuoted();
    i++;
    while (true) {
      if (i >= s.length()) {
        throw unparsable("a \" is not closed");
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
        expansion(true);
      } else if (c == '`') {
        backquoted(true);
      } else {
        word.append(c);
        i++;
      }
    }
  }

  /**
   * {@code $(...)}, {@code $((...))}, {@code ${...}}, {@code $name}, and outside double quotes
   * bash's {@code $'...'} (read exactly: its word is known) and {@code $"..."}.
   */
  private void expansion(boolean inDouble) {
    char next = at(i + 1);
    boolean special =
        next == '('
            || next == '{'
            || Character.isLetterOrDigit(next)
            || "_@*#?-$!".indexOf(next) >= 0;
    if (!special && !((next == '\'' || next == '"') && !inDouble)) {
      word.append('$'); // a $ that starts no expansion is itself
      i++;
      return;
    }
    if (next == '\'' && !inDouble) {
      if (dialect == ShellDialect.POSIX) {
        throw unparsable("$'...' is a quoted string to bash and $ then a string to a POSIX shell");
      }
      ansiC();
      return;
    }
    dynamic = true;
    if (next == '"' && !inDouble) {
      if (dialect == ShellDialect.POSIX) {
        throw unparsable("$\"...\" is read differently by bash and a POSIX shell");
      }
      i++; // bash's translated string: a double-quoted one, marked dynamic
      doubleQuoted();
    } else if (next == '(' && at(i + 2) == '(') {
      int end = arithmeticEnd(i + 3);
      owner.expansionsIn(s.substring(i + 3, end), true);
      word.append(s, i, end + 2);
      i = end + 2;
    } else if (next == '(') {
      int start = i;
      i += 2;
      substitution();
      word.append(s, start, i);
    } else if (next == '{') {
      int end = braceEnd(i + 2, inDouble);
      word.append(s, i, end + 1);
      i = end + 1;
    } else {
      word.append('$');
      i++;
    }
  }

  /** bash's {@code $'...'}: its escapes decoded as bash does, so the word is known exactly. */
  private void ansiC() {
    markQuoted();
    i = AnsiC.decode(s, i + 2, word);
  }

  /**
   * A command substitution (its {@code $(} or {@code <(} just read): its commands are the line's.
   */
  void substitution() {
    dynamic = true;
    int start = i;
    i = owner.substitution(i);
    owner.requireNoPendingHereDoc(start, i);
  }

  /**
   * A backquoted substitution: its body is read again after {@code \$}, {@code \`} and {@code \\}
   * (and inside double quotes {@code \"}) lose their backslash, as the shell does.
   */
  private void backquoted(boolean inDouble) {
    dynamic = true;
    int start = i;
    StringBuilder body = new StringBuilder();
    i++;
    while (true) {
      if (i >= s.length()) {
        throw unparsable("a ` is not closed");
      }
      char c = s.charAt(i);
      if (c == '`') {
        i++;
        break;
      }
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        if (n == '$' || n == '`' || n == '\\' || (inDouble && n == '"')) {
          body.append(n);
        } else {
          body.append(c).append(n);
        }
        i += 2;
      } else {
        body.append(c);
        i++;
      }
    }
    word.append(s, start, i);
    owner.requireNoPendingHereDoc(start, i);
    owner.script(body.toString(), dialect);
  }

  /**
   * The end of {@code ${...}} that starts at {@code from} (after {@code ${}): quotes in it are
   * followed, its substitutions are commands of the line.
   */
  private int braceEnd(int from, boolean inDouble) {
    int level = 1;
    int j = from;
    if (s.startsWith("!", j) && dialect == ShellDialect.POSIX) {
      throw unparsable("${!...} is read differently by bash and a POSIX shell");
    }
    while (j < s.length()) {
      char c = s.charAt(j);
      switch (c) {
        case '\\' -> j += 2;
        case '\'' -> {
          if (inDouble) {
            throw unparsable(
                "a ' inside ${...} within double quotes is read differently by shells");
          }
          int end = s.indexOf('\'', j + 1);
          if (end < 0) {
            throw unparsable("a ' is not closed");
          }
          j = end + 1;
        }
        case '"', '$', '`' -> j = readAside(j, c, inDouble);
        case '}' -> {
          if (--level == 0) {
            String inner = s.substring(from, j);
            if (inner.endsWith("@P") || inner.endsWith("@E") || inner.endsWith("@A")) {
              throw unparsable("${...@P} expands a value as a prompt, which may run commands");
            }
            return j;
          }
          j++;
        }
        case '{' -> {
          level++;
          j++;
        }
        default -> j++;
      }
    }
    throw unparsable("a ${ is not closed");
  }

  /**
   * Reads the quoted string or expansion at {@code j} inside {@code ${...}} for the commands it
   * runs, leaving the word and the position as they were; returns where it ends.
   */
  private int readAside(int j, char c, boolean inDouble) {
    int save = i;
    i = j;
    StringBuilder keep = new StringBuilder(word);
    switch (c) {
      case '"' -> doubleQuoted();
      case '$' -> expansion(inDouble);
      default -> backquoted(inDouble);
    }
    word.setLength(0);
    word.append(keep);
    int end = i;
    i = save;
    return end;
  }

  /** The index of the {@code ))} that ends arithmetic starting at {@code from}. */
  int arithmeticEnd(int from) {
    int level = 0;
    for (int j = from; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\'' || c == '"' || c == '`' || c == '#' || c == '\n') {
        throw unparsable("quotes, backquotes and newlines in arithmetic are not read");
      }
      if (c == '(') {
        level++;
      } else if (c == ')') {
        if (level == 0) {
          if (at(j + 1) != ')') {
            throw unparsable("$(( ... ) is either arithmetic or a subshell: write it plainly");
          }
          return j;
        }
        level--;
      }
    }
    throw unparsable("a (( is not closed");
  }

  /**
   * Reads the whole text (a here-document's body, or arithmetic) for its substitutions, as inside
   * double quotes but with {@code "} plain.
   */
  void expansionsOnly(boolean arithmetic) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        i += 2;
      } else if (c == '$') {
        expansion(true);
      } else if (c == '`') {
        backquoted(!arithmetic);
      } else {
        i++;
      }
    }
  }

  private AgentCliException unparsable(String why) {
    return ShellParser.unparsable(s, why);
  }
}
