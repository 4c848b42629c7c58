package dev.agentcli.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command may read from the world, injected so that tests can fix it: the environment, the
 * clock, the working directory, stdin and the source of random ids.
 */
public final class Context {
  private final Map<String, String> env;
  private final Clock clock;
  private final Path cwd;
  private final InputStream stdin;
  private final Supplier<SecureRandom> randomSource;
  private SecureRandom random;

  /**
   * @param randomSource called at most once, when an id is first needed: seeding a SecureRandom
   *     costs start-up time that commands without ids need not pay
   */
  public Context(
      Map<String, String> env,
      Clock clock,
      Path cwd,
      InputStream stdin,
      Supplier<SecureRandom> randomSource) {
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.cwd = cwd;
    this.stdin = stdin;
    this.randomSource = randomSource;
  }

  /** The real process's context. */
  public static Context system() {
    return new Context(
        System.getenv(),
        Clock.systemUTC(),
        Path.of("").toAbsolutePath(),
        System.in,
        SecureRandom::new);
  }

  public Map<String, String> env() {
    return env;
  }

  public Clock clock() {
    return clock;
  }

  public Path cwd() {
    return cwd;
  }

  public InputStream stdin() {
    return stdin;
  }

  public SecureRandom random() {
    if (random == null) {
      random = randomSource.get();
    }
    return random;
  }

  public Context withEnv(Map<String, String> newEnv) {
    return new Context(newEnv, clock, cwd, stdin, this::random);
  }
}
