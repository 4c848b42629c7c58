package dev.agentcli.rules;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /** The shell whose reading is followed. */
  public enum Dialect {
    /** GNU bash: {@code $'...'}, {@code [[ ]]}, {@code <<<}, process substitution, {@code &>}. */
    BASH,
    /** A POSIX shell (dash, Debian's sh): bash's extensions are refused, not guessed at. */
    POSIX;

    /**
     * The reading of the shell at {@code program} (a real path, so {@code sh} is what it links to);
     * a shell the reader does not follow is {@code command_unparsable}.
     */
    public static Dialect of(Path program) {
      String name = program.getFileName().toString();
      return switch (name) {
        case "bash" -> BASH;
        case "dash" -> POSIX;
        default ->
            throw unparsable(
                "",
                "agentcli reads lines for bash and dash (Debian's sh) only, and "
                    + program
                    + " is neither");
      };
    }
  }

  /** Words that open or close a construct: the command is what follows them. */
  private static final Set<String> RESERVED =
      Set.of("!", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}");

  /** Constructs the reader does not follow: a line using one is refused. */
  private static final Set<String> UNREAD = Set.of("case", "esac", "select", "coproc");

  private final String s;
  private final Dialect dialect;
  private int i;
  private int depth;
  private final List<ShellLine.SimpleCommand> commands = new ArrayList<>();
  private boolean compound;

  /** The commands inside substitutions, which come after the line's own. */
  private final List<ShellLine.SimpleCommand> substituted = new ArrayList<>();

  /** Here-documents whose bodies start after the next newline. */
  private final List<HereDoc> hereDocs = new ArrayList<>();

  /**
   * @param script the dialect of the shell that reads the body as its script, or null for data
   */
  private record HereDoc(String delimiter, boolean stripTabs, boolean expands, Dialect script) {}

  // The command being read.
  private final List<ShellLine.Word> words = new ArrayList<>();
  private boolean assigns;
  private boolean writesFile;
  private String never;
  private boolean loopHeader;
  private boolean functionNamed;
  private boolean pipedIn;
  private String stdinFrom;
  private int hereDocsBefore;

  private static final String FUNCTION =
      "it defines a function, which runs instead of any command of that name";

  // The word being read.
  private final StringBuilder word = new StringBuilder();
  private boolean inWord;
  private boolean dynamic;
  private boolean quoted;
  private int quotedFrom = -1;

  private ShellParser(String s, Dialect dialect, int depth) {
    this.s = s;
    this.dialect = dialect;
    this.depth = depth;
  }

  /** The commands of {@code line} as bash reads it; {@code command_unparsable} when it cannot. */
  public static ShellLine parse(String line) {
    return parse(line, Dialect.BASH);
  }

  /** The commands of {@code line} as {@code dialect} reads it. */
  public static ShellLine parse(String line, Dialect dialect) {
    if (line.length() > MAX_LENGTH) {
      throw unparsable(line, "it is longer than " + MAX_LENGTH + " characters");
    }
    if (line.indexOf('\0') >= 0) {
      throw unparsable(line, "it contains a NUL character");
    }
    if (line.codePoints().anyMatch(ShellParser::invisible)) {
      throw unparsable(
          line,
          "it contains a control, invisible or bidirectional character, which shows a person"
              + " another line than the shell runs (write it as $'\\uXXXX' if it is needed)");
    }
    ShellParser p = new ShellParser(line, dialect, 0);
    p.sequence((char) 0);
    List<ShellLine.SimpleCommand> all = new ArrayList<>(p.commands);
    all.addAll(p.substituted);
    return new ShellLine(all, p.compound || all.stream().filter(c -> !c.probe()).count() > 1);
  }

  /** A character that hides or reorders what a person reads: C0 controls but tab and newline. */
  private static boolean invisible(int c) {
    return (c < 0x20 && c != '\t' && c != '\n')
        || c == 0x7f
        || (c >= 0x200b && c <= 0x200f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0xfeff
        || c == 0x2028
        || c == 0x2029;
  }

  /** Reads commands until {@code close} (a substitution's end) or the end of the text. */
  private void sequence(char close) {
    if (++depth > MAX_DEPTH) {
      throw unparsable("substitutions are nested more than " + MAX_DEPTH + " deep");
    }
    int parens = 0;
    while (true) {
      if (i >= s.length()) {
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
      char c = s.charAt(i);
      if (close != 0 && c == close && parens == 0) {
        i++;
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
          i++;
        }
        case '\n' -> {
          endCommand();
          i++;
          if (!hereDocs.isEmpty()) {
            hereDocBodies();
          }
        }
        case ';', '&', '|' -> {
          if (c == '&' && at(i + 1) == '>') {
            if (dialect == Dialect.POSIX) {
              throw unparsable("&> means & then > to a POSIX shell and a redirection to bash");
            }
            redirection();
          } else {
            endCommand();
            boolean pipe = c == '|' && at(i + 1) != '|';
            i += (c == '|' || c == '&') && (at(i + 1) == '|' || at(i + 1) == '&') ? 2 : 1;
            pipedIn = pipe;
          }
        }
        case '(' -> {
          if (inWord && word.length() > 0 && word.charAt(word.length() - 1) == '=') {
            throw unparsable("arrays (name=(...)) are not read");
          }
          if (at(i + 1) == '(' && !inWord && words.isEmpty()) {
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
          i++;
        }
        case '<', '>' -> redirection();
        case '#' -> {
          if (inWord) {
            word.append(c);
            i++;
          } else {
            while (i < s.length() && s.charAt(i) != '\n') {
              i++;
            }
          }
        }
        default -> wordPart();
      }
      if (functionNamed) {
        functionNamed = false;
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
    int j = i + 1;
    while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
      j++;
    }
    boolean named =
        inWord
            ? words.isEmpty() || (words.size() == 1 && FUNCTION.equals(never))
            : words.size() == 1;
    if (at(j) == ')' && named) {
      endWord();
      never = FUNCTION;
      compound = true;
      endCommand();
      i = j + 1;
      return false;
    }
    if (inWord || !words.isEmpty()) {
      throw unparsable("a ( in the middle of a command");
    }
    endCommand();
    i++;
    return true;
  }

  /** {@code (( ... ))}: bash's arithmetic command, whose names bash evaluates. */
  private void arithmeticCommand() {
    if (dialect == Dialect.POSIX) {
      throw unparsable("(( is a subshell to a POSIX shell and arithmetic to bash");
    }
    int end = arithmeticEnd(i + 2);
    expansionsIn(s.substring(i + 2, end), true);
    words.add(new ShellLine.Word("((" + s.substring(i + 2, end) + "))", true));
    i = end + 2;
  }

  /** One piece of a word: a quoted string, an expansion, an escaped or a plain character. */
  private void wordPart() {
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
      if (dialect == Dialect.POSIX) {
        throw unparsable("$'...' is a quoted string to bash and $ then a string to a POSIX shell");
      }
      ansiC();
      return;
    }
    dynamic = true;
    if (next == '"' && !inDouble) {
      if (dialect == Dialect.POSIX) {
        throw unparsable("$\"...\" is read differently by bash and a POSIX shell");
      }
      i++; // bash's translated string: a double-quoted one, marked dynamic
      doubleQuoted();
    } else if (next == '(' && at(i + 2) == '(') {
      int end = arithmeticEnd(i + 3);
      expansionsIn(s.substring(i + 3, end), true);
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
    i += 2;
    while (true) {
      if (i >= s.length()) {
        throw unparsable("a $' is not closed");
      }
      char c = s.charAt(i);
      if (c == '\'') {
        i++;
        return;
      }
      if (c != '\\' || i + 1 >= s.length()) {
        word.append(c);
        i++;
        continue;
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> word.append('\u0007');
        case 'b' -> word.append('\b');
        case 'e', 'E' -> word.append('\u001b');
        case 'f' -> word.append('\f');
        case 'n' -> word.append('\n');
        case 'r' -> word.append('\r');
        case 't' -> word.append('\t');
        case 'v' -> word.append('\u000b');
        case '\\', '\'', '"', '?' -> word.append(e);
        case 'x' -> word.appendCodePoint(digits(16, 2, "x"));
        case 'u' -> word.appendCodePoint(digits(16, 4, "u"));
        case 'U' -> word.appendCodePoint(digits(16, 8, "U"));
        case 'c' -> {
          if (i >= s.length()) {
            throw unparsable("a $' is not closed");
          }
          word.append((char) (s.charAt(i++) & 0x1f));
        }
        default -> {
          if (e >= '0' && e <= '7') {
            i--;
            word.appendCodePoint(digits(8, 3, "") & 0xff);
          } else {
            word.append('\\').append(e);
          }
        }
      }
    }
  }

  /** Up to {@code max} digits of {@code radix} at {@code i}; none is an escape bash keeps. */
  private int digits(int radix, int max, String escape) {
    int start = i;
    while (i < s.length() && i - start < max && Character.digit(s.charAt(i), radix) >= 0) {
      i++;
    }
    if (i == start) {
      throw unparsable("the escape \\" + escape + " in $'...' has no digits");
    }
    int value = Integer.parseInt(s.substring(start, i), radix);
    if (value == 0 || value > Character.MAX_CODE_POINT) {
      throw unparsable("a $'...' escape makes a NUL or no character");
    }
    return value;
  }

  /** A command substitution read in place: its commands are the line's. */
  private void substitution() {
    compound = true;
    dynamic = true;
    int start = i;
    ShellParser inner = new ShellParser(s, dialect, depth);
    inner.i = i;
    inner.sequence(')');
    adopt(inner);
    i = inner.i;
    requireNoPendingHereDoc(start);
  }

  /**
   * A backquoted substitution: its body is read again after {@code \$}, {@code \`} and {@code \\}
   * (and inside double quotes {@code \"}) lose their backslash, as the shell does.
   */
  private void backquoted(boolean inDouble) {
    compound = true;
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
    requireNoPendingHereDoc(start);
    ShellParser inner = new ShellParser(body.toString(), dialect, depth);
    inner.sequence((char) 0);
    adopt(inner);
  }

  /**
   * The end of {@code ${...}} that starts at {@code from} (after {@code ${}): quotes in it are
   * followed, its substitutions are commands of the line.
   */
  private int braceEnd(int from, boolean inDouble) {
    int level = 1;
    int j = from;
    if (s.startsWith("!", j) && dialect == Dialect.POSIX) {
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
        case '"' -> {
          int save = i;
          i = j;
          StringBuilder keep = new StringBuilder(word);
          doubleQuoted();
          word.setLength(0);
          word.append(keep);
          j = i;
          i = save;
        }
        case '$', '`' -> {
          int save = i;
          i = j;
          StringBuilder keep = new StringBuilder(word);
          if (c == '$') {
            expansion(inDouble);
          } else {
            backquoted(inDouble);
          }
          word.setLength(0);
          word.append(keep);
          j = i;
          i = save;
        }
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

  /** The index of the {@code ))} that ends arithmetic starting at {@code from}. */
  private int arithmeticEnd(int from) {
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
   * The substitutions in {@code text} (a here-document's body, or arithmetic), read as inside
   * double quotes but with {@code "} plain: their commands are commands of the line.
   */
  private void expansionsIn(String text, boolean arithmetic) {
    if (!text.contains("$") && !text.contains("`")) {
      return;
    }
    compound = true;
    ShellParser body = new ShellParser(text, dialect, depth);
    while (body.i < text.length()) {
      char c = text.charAt(body.i);
      if (c == '\\' && body.i + 1 < text.length()) {
        body.i += 2;
      } else if (c == '$') {
        body.expansion(true);
      } else if (c == '`') {
        body.backquoted(!arithmetic);
      } else {
        body.i++;
      }
    }
    adopt(body);
  }

  /** Reads the bodies of the pending here-documents, which start at {@code i}. */
  private void hereDocBodies() {
    for (HereDoc h : hereDocs) {
      StringBuilder body = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw unparsable("the here-document ending with " + h.delimiter() + " is not closed");
        }
        int nl = s.indexOf('\n', i);
        int next = nl < 0 ? s.length() : nl + 1;
        String line = s.substring(i, nl < 0 ? s.length() : nl);
        // In a body that expands, a backslash-newline joins lines before the delimiter is sought.
        while (h.expands() && oddBackslashesAtEnd(line) && nl >= 0) {
          nl = s.indexOf('\n', next);
          line = line.substring(0, line.length() - 1) + s.substring(next, nl < 0 ? s.length() : nl);
          next = nl < 0 ? s.length() : nl + 1;
        }
        String compared = h.stripTabs() ? line.replaceFirst("^\t+", "") : line;
        i = next;
        if (compared.equals(h.delimiter())) {
          break;
        }
        if (nl < 0) {
          throw unparsable("the here-document ending with " + h.delimiter() + " is not closed");
        }
        body.append(line).append('\n');
      }
      if (h.expands()) {
        expansionsIn(body.toString(), false);
      }
      if (h.script() != null) {
        if (h.expands() && (body.indexOf("$") >= 0 || body.indexOf("`") >= 0)) {
          throw unparsable("a shell reads a script whose text is only known when the line runs");
        }
        ShellParser script = new ShellParser(body.toString(), h.script(), depth);
        script.sequence((char) 0);
        adopt(script);
      }
    }
    hereDocs.clear();
    hereDocsBefore = 0;
  }

  private static boolean oddBackslashesAtEnd(String line) {
    int n = 0;
    for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
      n++;
    }
    return n % 2 == 1;
  }

  /** A here-document's body starts at the next newline; one inside a substitution cannot. */
  private void requireNoPendingHereDoc(int from) {
    if (!hereDocs.isEmpty() && s.substring(from, Math.min(i, s.length())).indexOf('\n') >= 0) {
      throw unparsable("a substitution spans the line that a here-document's body would start on");
    }
  }

  /** A redirection and its target; a process substitution {@code <(...)} is a substitution. */
  private void redirection() {
    if (inWord && !quoted && !dynamic && word.chars().allMatch(Character::isDigit)) {
      resetWord(); // the descriptor number of 2>...
    } else if (inWord
        && !quoted
        && dialect == Dialect.BASH
        && word.toString().matches("\\{[A-Za-z_][A-Za-z0-9_]*\\}")) {
      resetWord(); // {fd}>file: bash assigns the descriptor to a variable
      assigns = true;
    } else {
      endWord();
    }
    int start = i;
    if (s.charAt(i) == '&') {
      i++;
    }
    char first = s.charAt(i);
    if (at(i + 1) == '(') {
      if (dialect == Dialect.POSIX) {
        throw unparsable("process substitution is bash's, not a POSIX shell's");
      }
      i += 2;
      inWord = true;
      int at = i - 2;
      substitution();
      word.append(s, at, i);
      endWord();
      return;
    }
    i++;
    while (i < s.length() && "<>&|-".indexOf(s.charAt(i)) >= 0 && i - start < 3) {
      i++;
    }
    String op = s.substring(start, i);
    if (op.equals("<<<") && dialect == Dialect.POSIX) {
      throw unparsable("<<< is bash's here-string, not a POSIX shell's");
    }
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    if (i >= s.length() || "\n;&|()<>".indexOf(s.charAt(i)) >= 0) {
      throw unparsable("the redirection " + op + " has no target");
    }
    int targetStart = i;
    while (i < s.length() && " \t\n;&|()<>".indexOf(s.charAt(i)) < 0) {
      wordPart();
    }
    String target = word.toString();
    boolean targetDynamic = dynamic;
    boolean targetQuoted = quoted;
    resetWord();
    if (op.equals("<<") || op.equals("<<-")) {
      String raw = s.substring(targetStart, i);
      if (raw.contains("$") || raw.contains("`")) {
        throw unparsable("a here-document's delimiter with $ or ` is not read");
      }
      hereDocs.add(new HereDoc(target, op.equals("<<-"), !targetQuoted, null));
      stdinFrom = "here-document";
      compound = true;
      return;
    }
    if (op.startsWith("<") && !op.equals("<>")) {
      stdinFrom = op.equals("<<<") ? "here-string" : "file";
    }
    boolean duplicates = op.endsWith("&") && target.matches("[0-9]+|-");
    boolean writes = first == '>' || op.equals("&>") || op.equals("&>>") || op.equals("<>");
    if (writes && !duplicates && (targetDynamic || !target.equals("/dev/null"))) {
      writesFile = true;
      compound = true;
    }
  }

  private char at(int j) {
    return j < s.length() ? s.charAt(j) : 0;
  }

  private void endWord() {
    if (inWord) {
      String text = word.toString();
      int eq = text.indexOf('=');
      String name = eq > 0 ? text.substring(0, eq).replaceFirst("\\+$", "") : "";
      boolean assignment =
          words.isEmpty()
              && eq > 0
              && (quotedFrom < 0 || eq < quotedFrom)
              && (name.matches("[A-Za-z_][A-Za-z0-9_]*")
                  || (dialect == Dialect.BASH && name.matches("[A-Za-z_][A-Za-z0-9_]*\\[.*\\]")));
      if (assignment) {
        assigns = true;
      } else if (words.isEmpty() && !quoted && UNREAD.contains(text)) {
        throw unparsable(text + " is not read: write the commands plainly");
      } else if (words.isEmpty() && !quoted && text.equals("function")) {
        if (dialect == Dialect.POSIX) {
          throw unparsable("function is a keyword to bash and a command to a POSIX shell");
        }
        never = FUNCTION;
        compound = true;
        words.add(new ShellLine.Word(text, dynamic));
      } else if (words.isEmpty() && !quoted && text.equals("for")) {
        loopHeader = true; // for NAME in WORDS: expanded, not run
      } else if (words.isEmpty() && !quoted && text.equals("[[") && dialect == Dialect.POSIX) {
        throw unparsable("[[ is a keyword to bash and a command to a POSIX shell");
      } else if (!(words.isEmpty() && !quoted && RESERVED.contains(text))) {
        words.add(new ShellLine.Word(text, dynamic));
        // function NAME: the definition ends with its name; the body is commands of its own.
        functionNamed =
            words.size() == 2 && FUNCTION.equals(never) && "function".equals(words.get(0).text());
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
    if (loopHeader) {
      if (words.size() > 1 && !words.get(1).text().equals("in")) {
        throw unparsable("for " + words.get(0).text() + " " + words.get(1).text() + " is not read");
      }
      loopHeader = false;
      words.clear();
    }
    if (!words.isEmpty() && Programs.evaluatesNames(words)) {
      for (ShellLine.Word w : words) {
        expansionsIn(w.text(), true); // a[$(cmd)] quoted is still run by the builtin
      }
    }
    Dialect script = Programs.readsScriptFromStdin(words);
    if (script != null && (pipedIn || stdinFrom != null)) {
      if (!"here-document".equals(stdinFrom)) {
        throw unparsable(
            words.get(0).text()
                + " reads a script from its standard input, which the reader cannot see");
      }
      for (int k = hereDocsBefore; k < hereDocs.size(); k++) {
        HereDoc h = hereDocs.get(k);
        hereDocs.set(k, new HereDoc(h.delimiter(), h.stripTabs(), h.expands(), script));
      }
    }
    if (!words.isEmpty() || assigns || writesFile) {
      ShellLine.SimpleCommand c =
          new ShellLine.SimpleCommand(
              words, assigns, writesFile, never != null ? never : Programs.never(words), false);
      commands.add(c);
      Wrapped.commandsRunBy(c, dialect, depth, commands);
      if (commands.size() > 1) {
        compound = true;
      }
    }
    words.clear();
    assigns = false;
    writesFile = false;
    never = null;
    pipedIn = false;
    stdinFrom = null;
    hereDocsBefore = hereDocs.size();
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
