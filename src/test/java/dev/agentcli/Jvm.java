package dev.agentcli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts agentcli (or a test helper) in a separate JVM, as a user or a script would. */
public final class Jvm {
  private Jvm() {}

  /** A finished process: its exit status and what it printed. */
  public record Done(int status, String out, String err) {
    public Cli.Result asResult() {
      return new Cli.Result(status, out, err);
    }
  }

  /** Starts {@code mainClass} with {@code args}, with AGENTCLI_HOME set to {@code home}. */
  public static Process start(Path home, String mainClass, String... args) throws IOException {
    return start(home, Map.of(), mainClass, args);
  }

  /** As {@link #start(Path, String, String...)}, with {@code extraEnv} added to the environment. */
  public static Process start(
      Path home, Map<String, String> extraEnv, String mainClass, String... args)
      throws IOException {
    return startUnder(List.of(), home, extraEnv, mainClass, args);
  }

  /**
   * As {@link #start(Path, Map, String, String...)}, the JVM started by {@code wrapper} (a command
   * that runs its arguments: {@code ip netns exec <name>}, say).
   */
  public static Process startUnder(
      List<String> wrapper,
      Path home,
      Map<String, String> extraEnv,
      String mainClass,
      String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.addAll(Started.DEFAULT_SIGNALS);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(Started.noOperatorConfig(home));
    // No hsperfdata file: a stale one locked by another process makes the JVM print a warning on
    // stdout, which is the JSON a test reads.
    cmd.addAll(
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("AGENTCLI_HOME", home.toString());
    env.putAll(TestStore.of(home).env());
    env.putAll(extraEnv);
    return pb.start();
  }

  public static Process agentcli(Path home, String... args) throws IOException {
    return start(home, "dev.agentcli.Main", args);
  }

  /** Waits for {@code p} (at most two minutes: a hang guard, not a timing assertion). */
  public static Done await(Process p) throws Exception {
    byte[] out = readAll(p.getInputStream());
    byte[] err = readAll(p.getErrorStream());
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("process did not finish");
    }
    return new Done(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /** What the stream held; nothing when it was closed because the process was killed. */
  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException closedByKill) {
      return new byte[0];
    }
  }

  public static Done run(Path home, String... args) throws Exception {
    return await(agentcli(home, args));
  }
}
