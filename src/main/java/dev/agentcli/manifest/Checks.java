package dev.agentcli.manifest;

import dev.agentcli.codec.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The problems found in a JSON document so far, each with its path, and the checks that add them:
 * every problem is collected rather than the first one thrown.
 */
class Checks {
  /** Linux refuses a single argument or environment string longer than this (MAX_ARG_STRLEN). */
  static final int MAX_ARG_BYTES = 128 * 1024;

  final List<Problem> problems = new ArrayList<>();

  /** A value as it would appear in JSON, for messages. */
  static String show(Object value) {
    return value instanceof String s ? Json.compact(s) : Json.compact(value);
  }

  /** Every key of {@code owner} must be one of {@code allowed}; a near miss gets a hint. */
  void known(Map<?, ?> owner, Set<String> allowed, String path) {
    for (Object k : owner.keySet()) {
      String key = String.valueOf(k);
      if (!allowed.contains(key)) {
        String hint =
            allowed.stream()
                .filter(a -> Spelling.distance(a, key) <= Math.max(2, a.length() / 3))
                .min(Comparator.comparingInt(a -> Spelling.distance(a, key)))
                .map(a -> ": did you mean \"" + a + "\"?")
                .orElse(": it is not a key agentcli knows here (known: " + sorted(allowed) + ")");
        problems.add(new Problem(path + "." + key, "unknown key" + hint));
      }
    }
  }

  static String sorted(Set<String> keys) {
    return String.join(", ", new TreeSet<>(keys));
  }

  Long positive(Object node, String path, long max) {
    boolean whole = node instanceof Integer || node instanceof Long || node instanceof BigInteger;
    int sign =
        !whole
            ? 0
            : node instanceof BigInteger big
                ? big.signum()
                : Long.signum(((Number) node).longValue());
    if (sign <= 0) {
      problems.add(new Problem(path, "must be a positive whole number, not " + show(node)));
      return null;
    }
    if (node instanceof BigInteger || ((Number) node).longValue() > max) {
      problems.add(new Problem(path, "must be at most " + max + ", not " + show(node)));
      return null;
    }
    return ((Number) node).longValue();
  }

  String text(Map<?, ?> owner, String field, String ownerPath, boolean required) {
    Object node = owner.get(field);
    String path = ownerPath + "." + field;
    if (node == null) {
      if (required) {
        problems.add(new Problem(path, "required"));
      }
      return null;
    }
    if (!(node instanceof String text)) {
      problems.add(new Problem(path, "must be a string, not " + show(node)));
      return null;
    }
    return noNul(text, path) ? text : null;
  }

  boolean fitsExec(String value, String path) {
    if (value.length() * 3L > MAX_ARG_BYTES
        && value.getBytes(StandardCharsets.UTF_8).length >= MAX_ARG_BYTES) {
      problems.add(new Problem(path, "is longer than the OS accepts for one argument (128 KiB)"));
      return false;
    }
    return true;
  }

  boolean noNul(String value, String path) {
    if (value.indexOf('\0') >= 0) {
      problems.add(new Problem(path, "must not contain a NUL character"));
      return false;
    }
    return true;
  }
}
