package dev.agentcli.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The precedence of where the state lives: operator configuration, flags, environment, defaults.
 */
class SettingsTest {
  static final Path CWD = Path.of("/work");

  /** One row: what is given (flags as "--x=v", variables as "X=v", "operator"), what results. */
  static Stream<Arguments> table() {
    return Stream.of(
        row(
            List.of(),
            "/u/.agentcli",
            "/u/.agentcli/state/agentcli.db",
            "/u/.agentcli/allowed_signers",
            5000),
        row(
            List.of("AGENTCLI_HOME=e"),
            "/work/e",
            "/work/e/state/agentcli.db",
            "/work/e/allowed_signers",
            5000),
        row(
            List.of("AGENTCLI_HOME=/e", "--home=/f"),
            "/f",
            "/f/state/agentcli.db",
            "/f/allowed_signers",
            5000),
        row(
            List.of("AGENTCLI_DB=/e.db"),
            "/u/.agentcli",
            "/e.db",
            "/u/.agentcli/allowed_signers",
            5000),
        row(List.of("AGENTCLI_DB=/e.db", "--db=f.db"), "/u/.agentcli", "/work/f.db", null, 5000),
        row(List.of("AGENTCLI_ALLOWED_SIGNERS=s"), null, null, "/work/s", 5000),
        row(
            List.of("AGENTCLI_HOME=/e", "AGENTCLI_ALLOWED_SIGNERS=/s"),
            "/e",
            "/e/state/agentcli.db",
            "/s",
            5000),
        row(List.of("AGENTCLI_LOCK_TIMEOUT_MS=70"), null, null, null, 70),
        row(List.of("AGENTCLI_LOCK_TIMEOUT_MS=70", "--lock-timeout-ms=9"), null, null, null, 9),
        row(List.of("AGENTCLI_LOCK_TIMEOUT_MS="), null, null, null, 5000),
        // The operator's configuration wins over everything the caller says.
        row(
            List.of("operator", "AGENTCLI_HOME=/e", "--db=/f.db", "AGENTCLI_ALLOWED_SIGNERS=/s"),
            "/e",
            "<etc>/agentcli.db",
            "<etc>/allowed_signers",
            5000));
  }

  static Arguments row(List<String> given, String home, String db, String signers, long lockMs) {
    return Arguments.of(String.join(" ", given), given, home, db, signers, lockMs);
  }

  @TempDir Path etc;

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void theOperatorWinsThenFlagsThenTheEnvironmentThenTheDefaults(
      String name, List<String> given, String home, String db, String signers, long lockMs)
      throws Exception {
    Settings s = settings(given);
    if (home != null) {
      assertEquals(Path.of(home), s.home());
    }
    if (db != null) {
      assertEquals(Path.of(db.replace("<etc>", etc.toString())), s.dbPath());
    }
    if (signers != null) {
      assertEquals(Path.of(signers.replace("<etc>", etc.toString())), s.allowedSigners());
    }
    assertEquals(lockMs, s.lockTimeout().toMillis());
  }

  @Test
  void underTheOperatorsConfigurationEveryOverrideIsRefusedAndNamed() throws Exception {
    Settings s = settings(List.of("operator", "--db=/f.db"));
    AgentCliException e = assertThrows(AgentCliException.class, s::refuseOverrides);
    assertEquals(ErrorCode.CONFIG_OVERRIDE_REFUSED, e.code());
    assertEquals("--db", e.details().get("override"));
    settings(List.of("operator")).refuseOverrides(); // nothing given: nothing refused
    settings(List.of("--db=/f.db")).refuseOverrides(); // no operator: the caller's to choose
  }

  @Test
  void aDatabaseUrlOfAnotherKindOrABadTimeoutInTheEnvironmentIsAnInputError() throws Exception {
    assertEquals(
        ErrorCode.INPUT_INVALID,
        assertThrows(
                AgentCliException.class,
                () -> settings(List.of("AGENTCLI_DB=mysql://h/d")).dbPath())
            .code());
    assertEquals(
        ErrorCode.INPUT_INVALID,
        assertThrows(
                AgentCliException.class,
                () -> settings(List.of("AGENTCLI_LOCK_TIMEOUT_MS=soon")).lockTimeout())
            .code());
    assertEquals(
        "postgresql://a@h:5432/d", settings(List.of("--db=postgresql://a@h/d")).storeName());
  }

  private Settings settings(List<String> given) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("HOME", "/u"));
    Path home = null;
    String db = null;
    Long lock = null;
    Path config = etc.resolve("absent.json");
    for (String g : given) {
      String value = g.substring(g.indexOf('=') + 1);
      if (g.equals("operator")) {
        config = etc.resolve("config.json");
        Files.writeString(
            config,
            "{\"database\": \""
                + etc.resolve("agentcli.db")
                + "\", \"allowed_signers\": \""
                + etc.resolve("allowed_signers")
                + "\", \"manifests\": \""
                + etc.resolve("manifests")
                + "\"}");
      } else if (g.startsWith("--home=")) {
        home = Path.of(value);
      } else if (g.startsWith("--db=")) {
        db = value;
      } else if (g.startsWith("--lock-timeout-ms=")) {
        lock = Long.parseLong(value);
      } else {
        env.put(g.substring(0, g.indexOf('=')), value);
      }
    }
    Context ctx =
        new Context(
            env,
            Clock.systemUTC(),
            CWD,
            new ByteArrayInputStream(new byte[0]),
            SecureRandom::new,
            config,
            new ByteArrayOutputStream(),
            new ByteArrayOutputStream());
    return new Settings(ctx, new Settings.Flags(home, db, lock));
  }
}
