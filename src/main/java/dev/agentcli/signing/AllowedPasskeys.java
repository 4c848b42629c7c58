package dev.agentcli.signing;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The passkeys trusted to sign as a principal: a file beside {@code allowed_signers}, owned like
 * it, one line per credential, in the same spirit:
 *
 * <pre>alice origin="https://agentcli.example.com",verify-required passkey CREDENTIAL-ID COSE-KEY
 * </pre>
 *
 * <p>The credential id and its public key (COSE, as the authenticator gave it at enrolment) are
 * base64url; {@code origin} is the web origin the credential was made for (its host is the relying
 * party id), so that a signature is checked offline against where it had to be made; {@code
 * verify-required} admits only signatures made with the user verified (a PIN or biometric). A line
 * that cannot be read makes the whole file an error: a trust store is never half-read.
 */
public final class AllowedPasskeys {
  /** One trusted credential. */
  public record Passkey(
      int line,
      String principal,
      byte[] credentialId,
      byte[] coseKey,
      String origin,
      boolean verifyRequired) {

    /** The credential id as it is written: base64url. */
    public String id() {
      return B64.encodeToString(credentialId);
    }

    /** The relying party id: the origin's host. */
    public String rpId() {
      return URI.create(origin).getHost();
    }

    /** How a grant names the key that signed it, as an SSH key's {@code SHA256:} fingerprint. */
    public String fingerprint() {
      return "passkey:" + id();
    }
  }

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern PRINCIPAL = Pattern.compile("[^\\s,\"!*?]{1,200}");
  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

  private final Path path;

  public AllowedPasskeys(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** Whether {@code origin} can be a passkey's: http(s), a host name, a port, nothing else. */
  public static boolean validOrigin(String origin) {
    return ORIGIN.matcher(origin).matches();
  }

  /** The trusted credentials; none when the file is missing. */
  public List<Passkey> read() {
    String text = TrustFile.read(path);
    List<Passkey> keys = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        keys.add(parse(line, i + 1));
      }
    }
    return keys;
  }

  /** The credential with id {@code credentialId}, if trusted. */
  public Optional<Passkey> find(byte[] credentialId) {
    return read().stream().filter(k -> Arrays.equals(k.credentialId(), credentialId)).findFirst();
  }

  /** The credentials trusted for {@code principal}. */
  public List<Passkey> of(String principal) {
    return read().stream().filter(k -> k.principal().equals(principal)).toList();
  }

  /** Appends a credential; refuses one already there. */
  public Passkey add(
      String principal,
      byte[] credentialId,
      byte[] coseKey,
      String origin,
      boolean verifyRequired) {
    if (!PRINCIPAL.matcher(principal).matches() || !validOrigin(origin)) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID, "not a principal and origin a passkey can be trusted for");
    }
    if (find(credentialId).isPresent()) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "this passkey is already trusted",
          Map.of("path", path.toString()));
    }
    String line =
        principal
            + " origin=\""
            + origin
            + "\""
            + (verifyRequired ? ",verify-required" : "")
            + " passkey "
            + B64.encodeToString(credentialId)
            + " "
            + B64.encodeToString(coseKey)
            + "\n";
    TrustFile.append(path, line);
    return find(credentialId).orElseThrow();
  }

  /** Removes the credentials {@code which} selects; those removed. */
  public List<Passkey> remove(Predicate<Passkey> which) {
    List<Passkey> removed = read().stream().filter(which).toList();
    if (!removed.isEmpty()) {
      TrustFile.removeLines(path, removed.stream().map(Passkey::line).toList());
    }
    return removed;
  }

  private Passkey parse(String line, int number) {
    String[] f = line.split("\\s+");
    if (f.length < 5 || !f[2].equals("passkey")) {
      throw invalid("expected: principal origin=\"...\"[,verify-required] passkey id key", number);
    }
    String origin = null;
    boolean verifyRequired = false;
    for (String option : f[1].split(",")) {
      if (option.equals("verify-required")) {
        verifyRequired = true;
      } else if (option.startsWith("origin=\"") && option.endsWith("\"") && option.length() > 9) {
        origin = option.substring(8, option.length() - 1);
      } else {
        throw invalid("unknown option '" + option + "'", number);
      }
    }
    if (origin == null || !validOrigin(origin) || !PRINCIPAL.matcher(f[0]).matches()) {
      throw invalid("a principal and an origin=\"http(s)://host[:port]\" are required", number);
    }
    try {
      Base64.Decoder d = Base64.getUrlDecoder();
      return new Passkey(number, f[0], d.decode(f[3]), d.decode(f[4]), origin, verifyRequired);
    } catch (IllegalArgumentException e) {
      throw invalid("the credential id and key must be base64url", number);
    }
  }

  private AgentCliException invalid(String why, int line) {
    return new AgentCliException(
        ErrorCode.ALLOWED_SIGNERS_INVALID,
        path + (line > 0 ? " line " + line : "") + ": " + why,
        Map.of("file", path.toString(), "line", line));
  }
}
