package dev.agentcli.rules;

/**
 * A redirection's operator and its target word after quote removal, and what it does to the
 * command: reads its standard input from somewhere, or writes a file.
 *
 * @param op the operator, with its leading {@code &} if any ({@code >}, {@code 2>&}, {@code <<-})
 */
record Redirection(String op, String target, boolean targetDynamic, boolean targetQuoted) {

  /**
   * Reads the operator that starts at {@code start} (the reader at its first {@code <} or {@code
   * >}) and its target word.
   */
  static Redirection read(WordReader in, int start, ShellDialect dialect) {
    String s = in.s;
    in.i++;
    while (in.i < s.length() && "<>&|-".indexOf(s.charAt(in.i)) >= 0 && in.i - start < 3) {
      in.i++;
    }
    String op = s.substring(start, in.i);
    if (op.equals("<<<") && dialect == ShellDialect.POSIX) {
      throw ShellParser.unparsable(s, "<<< is bash's here-string, not a POSIX shell's");
    }
    while (in.i < s.length() && (s.charAt(in.i) == ' ' || s.charAt(in.i) == '\t')) {
      in.i++;
    }
    if (in.i >= s.length() || "\n;&|()<>".indexOf(s.charAt(in.i)) >= 0) {
      throw ShellParser.unparsable(s, "the redirection " + op + " has no target");
    }
    int targetStart = in.i;
    while (in.i < s.length() && " \t\n;&|()<>".indexOf(s.charAt(in.i)) < 0) {
      in.wordPart();
    }
    Redirection r = new Redirection(op, in.word.toString(), in.dynamic, in.quoted);
    in.resetWord();
    String raw = s.substring(targetStart, in.i);
    if (r.hereDocument() != null && (raw.contains("$") || raw.contains("`"))) {
      throw ShellParser.unparsable(s, "a here-document's delimiter with $ or ` is not read");
    }
    return r;
  }

  /** The here-document that {@code <<} or {@code <<-} starts, or null. */
  HereDocument hereDocument() {
    if (!op.equals("<<") && !op.equals("<<-")) {
      return null;
    }
    return new HereDocument(target, op.equals("<<-"), !targetQuoted, null);
  }

  /** Where the command's standard input comes from ("file", "here-string"), or null. */
  String stdinFrom() {
    if (!op.startsWith("<") || op.equals("<>")) {
      return null;
    }
    return op.equals("<<<") ? "here-string" : "file";
  }

  /** Whether it writes a file: not a descriptor's duplicate, not /dev/null. */
  boolean writesFile() {
    boolean duplicates = op.endsWith("&") && target.matches("[0-9]+|-");
    boolean writes =
        op.charAt(op.startsWith("&") ? 1 : 0) == '>'
            || op.equals("&>")
            || op.equals("&>>")
            || op.equals("<>");
    return writes && !duplicates && (targetDynamic || !target.equals("/dev/null"));
  }
}
