package dev.agentcli.signing;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OpenSSH {@code allowed_signers} trust store (see ssh-keygen(1), ALLOWED SIGNERS): which key
 * may sign as which principals, for which namespaces, in which time window. A line that cannot be
 * read makes the whole file an error: a trust store is never half-read.
 *
 * <p>One option is agentcli's own, borrowed from authorized_keys: {@code verify-required} admits a
 * FIDO security key's signature only when the key checked its user's PIN or biometric (ssh-keygen
 * 9.2's {@code -Y verify} does not know it and refuses such a line).
 */
public final class AllowedSigners {
  private static final Pattern KEY_TYPE = Pattern.compile("(ssh-|ecdsa-sha2-|sk-).*");

  /** One line of the file. */
  public record Entry(
      int line,
      List<String> principals,
      SshPublicKey key,
      List<String> namespaces,
      boolean certAuthority,
      Instant validAfter,
      Instant validBefore,
      boolean verifyRequired) {

    /** Whether the principal patterns admit {@code principal} (a {@code !} pattern vetoes). */
    public boolean names(String principal) {
      boolean matched = false;
      for (String pattern : principals) {
        boolean negated = pattern.startsWith("!");
        if (glob(negated ? pattern.substring(1) : pattern).matcher(principal).matches()) {
          if (negated) {
            return false;
          }
          matched = true;
        }
      }
      return matched;
    }
  }

  /** How a refusal says that nobody trusts the key (and only then is adding it the remedy). */
  public static final String NOT_TRUSTED = "is not in allowed_signers";

  private final List<Entry> entries;

  private AllowedSigners(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * Parses the file's text.
   *
   * @param source how to name the file in errors
   * @throws AgentCliException {@code allowed_signers_invalid} naming the first bad line
   */
  public static AllowedSigners parse(String text, String source) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        entries.add(entry(i + 1, line));
      } catch (SshWire.MalformedException | IllegalArgumentException e) {
        throw new AgentCliException(
            ErrorCode.ALLOWED_SIGNERS_INVALID,
            source + " line " + (i + 1) + ": " + e.getMessage(),
            Map.of("file", source, "line", i + 1));
      }
    }
    return new AllowedSigners(entries);
  }

  /**
   * Why {@code key} may not sign for {@code principal} in {@code namespace} at {@code now}; empty
   * when it may.
   *
   * @param userVerified whether the signature proves that its key checked the user's PIN or
   *     biometric (what a {@code verify-required} line demands)
   */
  public Optional<String> refusal(
      String principal, SshPublicKey key, String namespace, Instant now, boolean userVerified) {
    List<Entry> forKey =
        entries.stream().filter(e -> !e.certAuthority() && e.key().sameKey(key)).toList();
    if (forKey.isEmpty()) {
      return Optional.of("key " + key.fingerprint() + " " + NOT_TRUSTED);
    }
    List<Entry> forPrincipal = forKey.stream().filter(e -> e.names(principal)).toList();
    if (forPrincipal.isEmpty()) {
      List<String> as = forKey.stream().flatMap(e -> e.principals().stream()).distinct().toList();
      return Optional.of(
          "key "
              + key.fingerprint()
              + " is trusted as "
              + String.join(", ", as.stream().map(p -> "'" + p + "'").toList())
              + ", not as '"
              + principal
              + "': sign with "
              + principal
              + "'s own key, or approve as the key's owner");
    }
    List<Entry> forNamespace =
        forPrincipal.stream()
            .filter(
                e ->
                    e.namespaces().isEmpty()
                        || e.namespaces().stream()
                            .anyMatch(n -> glob(n).matcher(namespace).matches()))
            .toList();
    if (forNamespace.isEmpty()) {
      return Optional.of(
          "key " + key.fingerprint() + " may not sign in namespace '" + namespace + "'");
    }
    List<Entry> inWindow =
        forNamespace.stream()
            .filter(
                e ->
                    (e.validAfter() == null || !now.isBefore(e.validAfter()))
                        && (e.validBefore() == null || now.isBefore(e.validBefore())))
            .toList();
    if (inWindow.isEmpty()) {
      return Optional.of(
          "key " + key.fingerprint() + " is outside its valid-after/valid-before window");
    }
    if (!userVerified && inWindow.stream().allMatch(Entry::verifyRequired)) {
      return Optional.of(
          "key "
              + key.fingerprint()
              + " is trusted with verify-required, and this signature does not show that the"
              + (key.securityKey()
                  ? " security key checked its user's PIN or biometric"
                  : " user was verified (only a FIDO security key's signature can)"));
    }
    return Optional.empty();
  }

  private static Entry entry(int number, String line) {
    List<String> tokens = tokens(line);
    if (tokens.size() < 3) {
      throw new IllegalArgumentException(
          "expected: principals [options] keytype base64-key [comment]");
    }
    List<String> principals = List.of(unquote(tokens.get(0)).split(","));
    int k = 1;
    Map<String, String> options = new LinkedHashMap<>();
    if (!KEY_TYPE.matcher(tokens.get(1)).matches()) {
      options = options(tokens.get(1));
      k = 2;
    }
    if (tokens.size() < k + 2) {
      throw new IllegalArgumentException("missing key");
    }
    SshPublicKey key = SshPublicKey.parseOpenSsh(tokens.get(k) + " " + tokens.get(k + 1));
    List<String> namespaces =
        options.containsKey("namespaces")
            ? List.of(options.get("namespaces").split(","))
            : List.of();
    return new Entry(
        number,
        principals,
        key,
        namespaces,
        options.containsKey("cert-authority"),
        time(options.get("valid-after")),
        time(options.get("valid-before")),
        options.containsKey("verify-required"));
  }

  private static Map<String, String> options(String token) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String option : splitOutsideQuotes(token, ',')) {
      int eq = option.indexOf('=');
      String name = (eq < 0 ? option : option.substring(0, eq)).toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : unquote(option.substring(eq + 1));
      switch (name) {
        case "cert-authority":
        case "namespaces":
        case "valid-after":
        case "valid-before":
        case "verify-required":
          options.put(name, value);
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    return options;
  }

  /** OpenSSH's YYYYMMDD[HHMM[SS]] with an optional Z for UTC, else local time. */
  private static Instant time(String text) {
    if (text == null) {
      return null;
    }
    boolean utc = text.endsWith("Z") || text.endsWith("z");
    String digits = utc ? text.substring(0, text.length() - 1) : text;
    ZoneId zone = utc ? ZoneOffset.UTC : ZoneId.systemDefault();
    try {
      switch (digits.length()) {
        case 8:
          return LocalDate.parse(digits, DateTimeFormatter.BASIC_ISO_DATE)
              .atStartOfDay(zone)
              .toInstant();
        case 12:
          return LocalDateTime.parse(digits, DateTimeFormatter.ofPattern("uuuuMMddHHmm"))
              .atZone(zone)
              .toInstant();
        case 14:
          return LocalDateTime.parse(digits, DateTimeFormatter.ofPattern("uuuuMMddHHmmss"))
              .atZone(zone)
              .toInstant();
        default:
          throw new IllegalArgumentException("bad time '" + text + "'");
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("bad time '" + text + "'");
    }
  }

  /** Splits on white space, keeping double-quoted runs together. */
  private static List<String> tokens(String line) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (!quoted && Character.isWhitespace(c)) {
        if (current.length() > 0) {
          tokens.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote");
    }
    if (current.length() > 0) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  private static List<String> splitOutsideQuotes(String text, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == separator && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
