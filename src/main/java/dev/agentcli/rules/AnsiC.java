package dev.agentcli.rules;

import dev.agentcli.error.AgentCliException;

/** bash's {@code $'...'} strings, decoded as bash decodes them, so their word is known exactly. */
final class AnsiC {
  private final String s;
  private final StringBuilder word;
  private int i;

  private AnsiC(String s, int from, StringBuilder word) {
    this.s = s;
    this.i = from;
    this.word = word;
  }

  /**
   * Appends the decoded text of the string whose text starts at {@code from} (after {@code $'}) to
   * {@code word}; returns the index after its closing quote.
   */
  static int decode(String s, int from, StringBuilder word) {
    return new AnsiC(s, from, word).read();
  }

  private int read() {
    while (true) {
      if (i >= s.length()) {
        throw unparsable("a $' is not closed");
      }
      char c = s.charAt(i);
      if (c == '\'') {
        return i + 1;
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

  private AgentCliException unparsable(String why) {
    return ShellParser.unparsable(s, why);
  }
}
