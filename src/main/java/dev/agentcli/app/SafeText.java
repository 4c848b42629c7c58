package dev.agentcli.app;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Makes values safe to show a person in a terminal: a carriage return, an ANSI escape or a
 * right-to-left override inside a manifest value must not make an {@code rm -rf} look like
 * something harmless. Control and formatting characters are shown as escapes, and arguments are
 * shell-quoted, so that {@code ["a b"]} and {@code ["a", "b"]} look different and what a person
 * reads is exactly what will run.
 */
public final class SafeText {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private SafeText() {}

  /** {@code text} with every control or formatting character written as an escape. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> appendEscaped(out, cp, false));
    return out.toString();
  }

  /** The arguments as a POSIX shell would need them typed, one word each. */
  public static String shellWords(List<?> words) {
    StringBuilder out = new StringBuilder();
    for (Object w : words) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(shellQuote(String.valueOf(w)));
    }
    return out.toString();
  }

  /**
   * One word for a POSIX shell: as it is when plain, in single quotes otherwise, and as {@code
   * $'...'} with escapes when it holds a control or formatting character (which a terminal would
   * otherwise act on).
   */
  public static String shellQuote(String word) {
    if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
      return word;
    }
    if (word.codePoints().noneMatch(SafeText::unsafe)) {
      return "'" + word.replace("'", "'\\''") + "'";
    }
    StringBuilder out = new StringBuilder("$'");
    word.codePoints().forEach(cp -> appendEscaped(out, cp, true));
    return out.append('\'').toString();
  }

  private static boolean unsafe(int cp) {
    int type = Character.getType(cp);
    return Character.isISOControl(cp)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  private static void appendEscaped(StringBuilder out, int cp, boolean inQuotes) {
    if (inQuotes && (cp == '\'' || cp == '\\')) {
      out.append('\\').appendCodePoint(cp);
    } else if (!unsafe(cp)) {
      out.appendCodePoint(cp);
    } else if (cp == '\n') {
      out.append("\\n");
    } else if (cp == '\r') {
      out.append("\\r");
    } else if (cp == '\t') {
      out.append("\\t");
    } else if (cp == 0x1b) {
      out.append("\\E");
    } else if (cp < 0x100) {
      out.append(String.format("\\x%02x", cp));
    } else {
      out.append(String.format("\\u%04x", cp));
    }
  }
}
