package dev.agentcli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
    if (mainClass.equals(MAIN)) {
      cmd.addAll(agentcliClassPath());
    } else {
      cmd.addAll(List.of("-Xshare:auto", "-cp", System.getProperty("java.class.path")));
    }
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("AGENTCLI_HOME", home.toString());
    env.putAll(TestStore.of(home).env());
    env.putAll(extraEnv);
    return pb.start();
  }

  public static Process agentcli(Path home, String... args) throws IOException {
    return start(home, MAIN, args);
  }

  private static final String MAIN = "dev.agentcli.Main";

  /**
   * The JVM flags that put agentcli's classes on the class path, {@code dev.agentcli.Main} to
   * follow. In the integration tests (the system property {@code agentcli.test.jar} names the built
   * jar) that is the jar with a class-data archive made from it once per build, as the launcher
   * makes one: hundreds of test JVMs then start in half the CPU time (measured: 0.21 s against 0.42
   * s for {@code status}), which is most of what a 2-core CI machine spends. Elsewhere (the unit
   * tier, an IDE) it is the test class path.
   */
  public static List<String> agentcliClassPath() {
    return AgentcliJar.FLAGS;
  }

  /** Built on first use: the archive costs one training JVM (~2 s), once per test JVM at most. */
  private static final class AgentcliJar {
    static final List<String> FLAGS = flags();

    private static List<String> flags() {
      String jar = System.getProperty("agentcli.test.jar");
      if (jar == null || !Files.isRegularFile(Path.of(jar))) {
        return List.of("-Xshare:auto", "-cp", System.getProperty("java.class.path"));
      }
      try {
        Path archive = archiveFor(Path.of(jar));
        if (archive != null) {
          // A stale or broken archive only costs speed: the JVM runs without it, silently; any
          // other warning of the JVM goes to stderr, never into the JSON on stdout (the
          // launcher's flags).
          return List.of(
              "-Xshare:auto",
              "-XX:SharedArchiveFile=" + archive,
              "-Xlog:disable",
              "-Xlog:all=warning:stderr",
              "-Xlog:cds*=off:stderr",
              "-cp",
              jar);
        }
      } catch (IOException | InterruptedException e) {
        System.err.println("no class-data archive for the test JVMs: " + e);
      }
      return List.of("-Xshare:auto", "-cp", jar);
    }

    /** The archive for this jar (named by its size and time: a rebuilt jar gets a new one). */
    @SuppressWarnings("try") // the lock is held for the block, not referenced in it
    private static Path archiveFor(Path jar) throws IOException, InterruptedException {
      Path dir = jar.resolveSibling("it-cds");
      Files.createDirectories(dir);
      Path archive =
          dir.resolve(
              "agentcli-"
                  + Files.size(jar)
                  + "-"
                  + Files.getLastModifiedTime(jar).toMillis()
                  + "-"
                  + Runtime.version().feature()
                  + ".jsa");
      // The test JVMs of one build start together: one of them makes the archive, the others
      // wait for it (the kernel drops the lock if its holder dies).
      try (FileChannel lock =
              FileChannel.open(
                  dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = lock.lock()) {
        return Files.exists(archive) ? archive : build(jar, archive);
      }
    }

    private static Path build(Path jar, Path archive) throws IOException, InterruptedException {
      Path home = Files.createTempDirectory("agentcli-cds");
      try {
        return train(jar, archive, home);
      } finally {
        try (Stream<Path> made = Files.walk(home)) {
          for (Path f : made.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
    }

    /** An approve and an exec of the training task, each with {@code options}. */
    private static List<String> gateSteps(String manifest, String... options) {
      List<String> steps =
          new ArrayList<>(List.of("approve", manifest, "t", "--by", "warm", "--signer", "none"));
      steps.addAll(List.of(options));
      steps.addAll(List.of("::", "exec", manifest, "t"));
      steps.addAll(List.of(options));
      return steps;
    }

    /** A new database on the test server, or null where no PostgreSQL can be started. */
    private static String trainingServer() {
      try {
        return PostgresServer.get().newEmptyDatabase();
      } catch (RuntimeException | AssertionError noServer) {
        return null;
      }
    }

    private static Path train(Path jar, Path archive, Path home)
        throws IOException, InterruptedException {
      Path dir = archive.getParent();
      Files.writeString(
          home.resolve("warm.json"),
          "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"warm\", \"tasks\": [{\"id\":"
              + " \"t\", \"shell\": {\"program\": \"true\"}, \"approval\": {\"policy\":"
              + " \"manual\", \"signature\": \"optional\"}}]}]}");
      String manifest = home.resolve("warm.json").toString();
      Path partial = dir.resolve(archive.getFileName() + "." + ProcessHandle.current().pid());
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-XX:-UsePerfData",
                  "-Xshare:auto",
                  "-XX:ArchiveClassesAtExit=" + partial,
                  Started.noOperatorConfig(home),
                  "-cp",
                  jar.toString(),
                  "dev.agentcli.Training"));
      cmd.addAll(gateSteps(manifest));
      cmd.addAll(
          List.of(
              "::",
              "approvals",
              "list",
              "::",
              "requests",
              "list",
              "::",
              "audit",
              "verify",
              "::",
              "--help"));
      // And on the test server, from its migration on: hundreds of test JVMs use PostgreSQL, and
      // its driver's and Flyway's classes then come from the archive (~80 ms less each, measured).
      String server = trainingServer();
      if (server != null) {
        cmd.add("::");
        cmd.addAll(gateSteps(manifest, "--db", server));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("AGENTCLI_HOME", home.toString());
      pb.environment().put("PGPASSWORD", PostgresServer.PASSWORD);
      Process p = pb.start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
        Files.deleteIfExists(partial);
        return null;
      }
      // Another test JVM may have built the same archive meanwhile: either copy is whole.
      Files.move(
          partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return archive;
    }
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
