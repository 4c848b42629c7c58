package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the runner's ITs share: a home, the in-process harness on the real clock, agentcli in a JVM
 * of its own, and the checks of processes in /proc.
 */
abstract class RunnerHarness {
  @TempDir Path home;
  Cli cli;

  @BeforeEach
  void setUp() {
    // The real clock: grants approved here are used by agentcli processes of their own too.
    cli =
        new Cli(home).at(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  String shTask(String name, String script) {
    return task(name, "{\"policy\": \"auto-approve\"}", "sh", "-c", script);
  }

  /** A finished process with its raw bytes. */
  record Raw(int status, byte[] out, byte[] err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }

    String errText() {
      return new String(err, StandardCharsets.UTF_8);
    }

    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }

    @Override
    public String toString() {
      return "status " + status + "\nstdout: " + outText() + "\nstderr: " + errText();
    }
  }

  /** agentcli in its own JVM, with {@code java} and extra JVM flags, AGENTCLI_HOME the test's. */
  ProcessBuilder agentcli(String java, List<String> flags, String... args) {
    List<String> cmd = new ArrayList<>(Started.DEFAULT_SIGNALS);
    cmd.addAll(List.of(java, "-XX:TieredStopAtLevel=1", Started.noOperatorConfig(home)));
    cmd.addAll(flags);
    // The class-data archive is this JVM's: another JDK would print that it cannot read it.
    boolean thisJava =
        java.equals(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        thisJava ? Jvm.agentcliClassPath() : List.of("-cp", System.getProperty("java.class.path")));
    cmd.add("dev.agentcli.Main");
    cmd.addAll(List.of(args));
    return withCliEnvironment(new ProcessBuilder(cmd));
  }

  /** The environment the in-process harness gives agentcli, so that both bind the same tasks. */
  ProcessBuilder withCliEnvironment(ProcessBuilder pb) {
    pb.environment().clear();
    pb.environment().put("AGENTCLI_HOME", home.toString());
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().put("HOME", home.toString());
    pb.environment().put("LANG", "C.UTF-8");
    return pb;
  }

  /** A manifest with one task {@code deploy}, written with a JSON library (arguments escaped). */
  String task(String name, String approval, String program, String... args) {
    return json(name, approval, program, List.of(args), null);
  }

  String json(String name, String approval, String program, List<String> args, String stdin) {
    try {
      ObjectMapper mapper = new ObjectMapper();
      Map<String, Object> shell = new java.util.LinkedHashMap<>();
      shell.put("program", program);
      shell.put("args", args);
      if (stdin != null) {
        shell.put("stdin", stdin);
      }
      Map<String, Object> task =
          Map.of("id", "deploy", "shell", shell, "approval", mapper.readValue(approval, Map.class));
      Map<String, Object> manifest =
          Map.of("version", "0.2", "workflows", List.of(Map.of("id", "w", "tasks", List.of(task))));
      return cli.manifest(name + ".json", mapper.writeValueAsString(manifest));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits for {@code p}, reading both streams (at most 3 minutes: a hang guard, not a timing). */
  static Raw await(Process p) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = drain(p.getInputStream(), out);
    Thread errReader = drain(p.getErrorStream(), err);
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("agentcli hung; stderr so far: " + err);
    }
    outReader.join(60_000);
    errReader.join(60_000);
    assertFalse(outReader.isAlive() || errReader.isAlive(), "agentcli's output is held open");
    return new Raw(p.exitValue(), out.toByteArray(), err.toByteArray());
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (java.io.IOException e) {
                // closed by a kill
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  static boolean alive(long pid) {
    return Files.exists(Path.of("/proc/" + pid))
        && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static long pidIn(Path file) throws Exception {
    for (int i = 0; i < 600 && (!Files.exists(file) || Files.readString(file).isBlank()); i++) {
      Thread.sleep(50);
    }
    return Long.parseLong(Files.readString(file).trim());
  }

  static void eventually(java.util.function.BooleanSupplier ok, String what) throws Exception {
    Started.eventually(Duration.ofSeconds(10), ok, what);
  }
}
