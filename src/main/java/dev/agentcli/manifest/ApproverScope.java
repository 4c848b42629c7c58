package dev.agentcli.manifest;

import java.util.Locale;
import java.util.Optional;

/**
 * Who may approve a task: {@code alice}, {@code principal:alice}, {@code user:alice} and {@code
 * exact:alice} name one principal exactly; {@code domain:example.com} admits any principal ending
 * in {@code @example.com}, ignoring case.
 */
public record ApproverScope(String text, boolean domain, String value) {

  /** Parses one scope, or returns empty when its form is not one of the above. */
  public static Optional<ApproverScope> parse(String text) {
    if (text == null || text.isBlank() || !text.strip().equals(text)) {
      return Optional.empty();
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      return Optional.of(new ApproverScope(text, false, text));
    }
    String kind = text.substring(0, colon);
    String value = text.substring(colon + 1);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    switch (kind) {
      case "principal":
      case "user":
      case "exact":
        return Optional.of(new ApproverScope(text, false, value));
      case "domain":
        return value.contains("@")
            ? Optional.empty()
            : Optional.of(new ApproverScope(text, true, value.toLowerCase(Locale.ROOT)));
      default:
        return Optional.empty();
    }
  }

  /** Whether {@code principal} is admitted by this scope. */
  public boolean admits(String principal) {
    return domain
        ? principal.toLowerCase(Locale.ROOT).endsWith("@" + value)
        : principal.equals(value);
  }
}
