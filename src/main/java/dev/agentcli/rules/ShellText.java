package dev.agentcli.rules;

/**
 * What a line must be before it is read at all: short enough for a person to judge, and shown as
 * the shell runs it (no NUL, which ends the shell's copy early; no control, invisible or
 * bidirectional character, which makes a terminal show another line).
 */
final class ShellText {
  private ShellText() {}

  /** Refuses ({@code command_unparsable}) a line a person would not see as the shell runs it. */
  static void requireShownAsRun(String line) {
    if (line.length() > ShellParser.MAX_LENGTH) {
      throw ShellParser.unparsable(
          line, "it is longer than " + ShellParser.MAX_LENGTH + " characters");
    }
    if (line.indexOf('\0') >= 0) {
      throw ShellParser.unparsable(line, "it contains a NUL character");
    }
    if (line.codePoints().anyMatch(ShellText::invisible)) {
      throw ShellParser.unparsable(
          line,
          "it contains a control, invisible or bidirectional character, which shows a person"
              + " another line than the shell runs (write it as $'\\uXXXX' if it is needed)");
    }
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
}
