package dev.agentcli.cli;

import dev.agentcli.app.SafeText;
import dev.agentcli.codec.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints results: pretty JSON for machines, aligned text for people. */
final class Output {
  private Output() {}

  static void json(PrintWriter out, Object value) {
    out.println(Json.pretty(value));
    out.flush();
  }

  /**
   * Prints a map as aligned {@code key value} lines, nested maps and lists indented; every value
   * safe to read (see {@link SafeText}).
   */
  static void text(PrintWriter out, Map<String, ?> map) {
    text(out, map, "");
    out.flush();
  }

  private static void text(PrintWriter out, Map<String, ?> map, String indent) {
    int width = map.keySet().stream().mapToInt(String::length).max().orElse(0);
    map.forEach(
        (key, value) -> {
          String label = indent + pad(key, width) + "  ";
          if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
            out.println(indent + key + ":");
            text(out, cast(nested), indent + "  ");
          } else if (value instanceof List<?> list
              && !list.isEmpty()
              && list.get(0) instanceof Map<?, ?>) {
            out.println(indent + key + ":");
            for (Object item : list) {
              text(out, cast((Map<?, ?>) item), indent + "  ");
              out.println();
            }
          } else {
            out.println(label + scalar(value));
          }
        });
  }

  /** Prints rows as a table with the given columns, each as wide as its widest cell. */
  static void table(PrintWriter out, List<Map<String, Object>> rows, List<String> columns) {
    int[] widths = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      widths[i] = columns.get(i).length();
      for (Map<String, Object> row : rows) {
        widths[i] = Math.max(widths[i], scalar(row.get(columns.get(i))).length());
      }
    }
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      header.append(pad(columns.get(i).toUpperCase(Locale.ROOT), widths[i])).append("  ");
    }
    out.println(header.toString().stripTrailing());
    for (Map<String, Object> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        line.append(pad(scalar(row.get(columns.get(i))), widths[i])).append("  ");
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  private static String scalar(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "-" : SafeText.shellWords(list);
    }
    if (value instanceof Map<?, ?> map && map.isEmpty()) {
      return "-";
    }
    return SafeText.escape(String.valueOf(value));
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> cast(Map<?, ?> map) {
    return (Map<String, ?>) map;
  }
}
