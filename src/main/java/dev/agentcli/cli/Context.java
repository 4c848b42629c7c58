package dev.agentcli.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may read from the world, injected so that tests can fix it: the environment,
 * the clock, the working directory, stdin and the source of random ids.
 */
public record Context(
    Map<String, String> env, Clock clock, Path cwd, InputStream stdin, SecureRandom random) {

  public Context {
    env = Map.copyOf(env);
  }

  /** The real process's context. */
  public static Context system() {
    return new Context(
        System.getenv(),
        Clock.systemUTC(),
        Path.of("").toAbsolutePath(),
        System.in,
        new SecureRandom());
  }

  public Context withEnv(Map<String, String> newEnv) {
    return new Context(newEnv, clock, cwd, stdin, random);
  }
}
