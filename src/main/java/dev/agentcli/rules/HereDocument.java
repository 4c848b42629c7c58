package dev.agentcli.rules;

/**
 * A here-document ({@code <<DELIM} or {@code <<-DELIM}) whose body is yet to be read: its body
 * starts after the next newline of the line.
 *
 * @param stripTabs {@code <<-}: leading tabs are removed before the delimiter is sought
 * @param expands the delimiter is unquoted: the body's substitutions run
 * @param script the dialect of the shell that reads the body as its script, or null for data
 */
record HereDocument(String delimiter, boolean stripTabs, boolean expands, ShellDialect script) {

  /** The body's text, and the index just after its delimiter's line. */
  record Body(String text, int end) {}

  /** This here-document given as its script to the shell of {@code dialect}. */
  HereDocument readBy(ShellDialect dialect) {
    return new HereDocument(delimiter, stripTabs, expands, dialect);
  }

  /** Reads the body that starts at {@code from} in {@code s}, up to its delimiter's line. */
  Body read(String s, int from) {
    StringBuilder body = new StringBuilder();
    int i = from;
    while (true) {
      if (i >= s.length()) {
        throw ShellParser.unparsable(
            s, "the here-document ending with " + delimiter + " is not closed");
      }
      int nl = s.indexOf('\n', i);
      int next = nl < 0 ? s.length() : nl + 1;
      String line = s.substring(i, nl < 0 ? s.length() : nl);
      // In a body that expands, a backslash-newline joins lines before the delimiter is sought.
      while (expands && oddBackslashesAtEnd(line) && nl >= 0) {
        nl = s.indexOf('\n', next);
        line = line.substring(0, line.length() - 1) + s.substring(next, nl < 0 ? s.length() : nl);
        next = nl < 0 ? s.length() : nl + 1;
      }
      String compared = stripTabs ? line.replaceFirst("^\t+", "") : line;
      i = next;
      if (compared.equals(delimiter)) {
        return new Body(body.toString(), i);
      }
      if (nl < 0) {
        throw ShellParser.unparsable(
            s, "the here-document ending with " + delimiter + " is not closed");
      }
      body.append(line).append('\n');
    }
  }

  private static boolean oddBackslashesAtEnd(String line) {
    int n = 0;
    for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
      n++;
    }
    return n % 2 == 1;
  }
}
