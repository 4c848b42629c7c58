package dev.agentcli.app;

import dev.agentcli.request.Waiting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command may read from the world, injected so that tests can fix it: the environment, the
 * clock, the working directory, stdin, the source of random ids and where the operator's
 * configuration would be.
 */
public final class Context {
  private final Map<String, String> env;
  private final Clock clock;
  private final Path cwd;
  private final InputStream stdin;
  private final Supplier<SecureRandom> randomSource;
  private final Path operatorConfig;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final Waiting.Pause pause;
  private SecureRandom random;

  /**
   * Where the operator's configuration is looked for. The system property is for the operator's own
   * wrapper (and tests): a caller who can set JVM properties runs a JVM of their own anyway, with
   * none of the operator's files.
   */
  public static final String CONFIG_PROPERTY = "agentcli.config";

  public static final String DEFAULT_CONFIG = "/etc/agentcli/config.json";

  /**
   * @param randomSource called at most once, when an id is first needed: seeding a SecureRandom
   *     costs start-up time that commands without ids need not pay
   * @param operatorConfig the operator configuration file; when it exists, it pins the database,
   *     the trust store and the manifests, and the caller cannot point agentcli elsewhere
   * @param stdout the raw standard output, for a task's bytes streamed as they are
   * @param stderr the raw standard error, likewise
   */
  public Context(
      Map<String, String> env,
      Clock clock,
      Path cwd,
      InputStream stdin,
      Supplier<SecureRandom> randomSource,
      Path operatorConfig,
      OutputStream stdout,
      OutputStream stderr) {
    this(env, clock, cwd, stdin, randomSource, operatorConfig, stdout, stderr, Waiting.SLEEP);
  }

  /**
   * As above, with how time passes while an agent waits for a person ({@link Waiting#SLEEP} for
   * real; a test moves its clock instead).
   */
  public Context(
      Map<String, String> env,
      Clock clock,
      Path cwd,
      InputStream stdin,
      Supplier<SecureRandom> randomSource,
      Path operatorConfig,
      OutputStream stdout,
      OutputStream stderr,
      Waiting.Pause pause) {
    this.pause = pause;
    this.env = Map.copyOf(env);
    this.clock = clock;
    this.cwd = cwd;
    this.stdin = stdin;
    this.randomSource = randomSource;
    this.operatorConfig = operatorConfig;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The real process's context. */
  public static Context system() {
    return new Context(
        System.getenv(),
        Clock.systemUTC(),
        Path.of("").toAbsolutePath(),
        System.in,
        SecureRandom::new,
        Path.of(System.getProperty(CONFIG_PROPERTY, DEFAULT_CONFIG)),
        System.out,
        System.err);
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

  public Path operatorConfig() {
    return operatorConfig;
  }

  public OutputStream stdout() {
    return stdout;
  }

  public OutputStream stderr() {
    return stderr;
  }

  /**
   * Whether this process's file descriptor {@code fd} (0 stdin, 1 stdout, 2 stderr) is a terminal:
   * on Linux, its {@code /proc/self/fd} link names a tty.
   */
  public boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** How time passes while an agent waits for a person's decision. */
  public Waiting.Pause pause() {
    return pause;
  }

  /**
   * A context sealed off from the caller's set-up, for the demo: {@code newEnv}, no operator
   * configuration, and {@code output} for a task's streamed bytes.
   */
  public Context sealed(Map<String, String> newEnv, Path noConfig, OutputStream output) {
    return new Context(newEnv, clock, cwd, stdin, this::random, noConfig, output, output, pause);
  }
}
