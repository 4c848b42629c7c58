package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * bin/agentcli on a copy of the sources (the real target/ is Maven's own during a build): two first
 * runs at once both build and succeed, and a cache that is missing, foreign or broken costs speed,
 * never a failure. The tests run in order: the first builds the copy's jar.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
  static Path copy;
  static Path launcher;
  static final Path REPO = Path.of("").toAbsolutePath();

  static Process start(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(copy.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().putAll(env);
    return pb.start();
  }

  static Cli.Result await(Process p) throws Exception {
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher hung");
    return new Cli.Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static Cli.Result run(Map<String, String> env, String... args) throws Exception {
    return await(start(env, args));
  }

  static Map<String, String> env(Path home) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    String m2 = System.getProperty("user.home") + "/.m2";
    env.put("MAVEN_OPTS", "-Dmaven.repo.local=" + m2 + "/repository");
    return env;
  }

  @BeforeAll
  static void copySources() throws Exception {
    Started.requireNoHostOperatorConfig();
    copy = Files.createTempDirectory("agentcli-launcher-");
    for (String part : List.of("pom.xml", "db", "bin", "src/main")) {
      TestFiles.copyTree(REPO.resolve(part), copy.resolve(part));
    }
    launcher = copy.resolve("bin/agentcli");
  }

  @AfterAll
  static void clean() throws Exception {
    new ProcessBuilder("rm", "-rf", copy.toString()).start().waitFor();
  }

  static Path home(String name) throws Exception {
    return Files.createDirectories(copy.resolve("homes").resolve(name));
  }

  /** Runs first: the copy has no jar yet. */
  @Test
  @Order(1)
  void twoFirstRunsAtOnceBothBuildAndSucceed() throws Exception {
    Map<String, String> env = env(home("first"));
    env.put("AGENTCLI_NO_CACHE", "1");
    Process a = start(env, "--version");
    Process b = start(env, "--version");
    Cli.Result ra = await(a);
    Cli.Result rb = await(b);
    assertThat(ra).succeeds();
    assertThat(rb).succeeds();
    assertTrue(ra.out().startsWith("agentcli "), ra.toString());
    assertTrue(rb.out().startsWith("agentcli "), rb.toString());
    // Only one of them built: the other waited for the lock and found the jar fresh.
    int builds = (ra.err() + rb.err()).split("building", -1).length - 1;
    assertEquals(1, builds, ra + "\n" + rb);
    // A quiet build: no colour codes on a stderr that is not a terminal, no shade warnings.
    String built = ra.err() + rb.err();
    assertTrue(!built.contains("\u001b[") && !built.contains("overlapping"), built);
  }

  @Test
  @Order(2)
  void withoutHomeThereIsNoCacheAndNothingUnderTmp() throws Exception {
    built();
    Map<String, String> env = new HashMap<>();
    Cli.Result info = run(env, "--launcher-info");
    assertThat(info).succeeds();
    assertTrue(info.out().contains("cache none"), info.toString());
    assertFalse(Files.exists(Path.of("/tmp/.cache/agentcli")), "nothing is planted under /tmp");
  }

  @Test
  @Order(3)
  void aForeignOrBrokenCacheIsNotUsedAndTheRunSucceeds() throws Exception {
    built();
    Path home = home("planted");
    Map<String, String> env = env(home);
    String cache = cacheOf(env);
    Path dir = Files.createDirectories(Path.of(cache));
    Path nativeDir = Files.createDirectories(dir.resolve("native"));
    // A planted native library that leaves a mark when it is loaded, and cache files that are not.
    Path marker = home.resolve("planted-library-was-loaded");
    Path source = home.resolve("plant.c");
    Files.writeString(
        source,
        "#include <fcntl.h>\n__attribute__((constructor)) static void plant(void) {"
            + " open(\""
            + marker
            + "\", O_CREAT | O_WRONLY, 0600); }\n");
    Process cc =
        new ProcessBuilder(
                "gcc",
                "-shared",
                "-fPIC",
                "-o",
                nativeDir.resolve("libsqlitejdbc.so").toString(),
                source.toString())
            .inheritIO()
            .start();
    assertEquals(0, cc.waitFor(), "gcc builds the planted library");
    byte[] junk = "not a cache".getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("app.aot"), junk);
    Files.write(dir.resolve("app.jsa"), junk);

    String manifest = home.resolve("m.json").toString();
    Files.writeString(
        Path.of(manifest), Cli.oneTask("{\"policy\": \"auto-approve\"}", "echo", "ran"));
    env.put("AGENTCLI_HOME", home.resolve("agentcli").toString());

    // Owned by another user: not used at all.
    new ProcessBuilder("chown", "-R", "nobody", dir.toString()).start().waitFor();
    recordIdentity(nativeDir); // as the warm-up would have: only the owner is wrong
    Cli.Result foreign = run(env, "exec", manifest, "deploy");
    assertThat(foreign).succeeds();
    assertTrue(foreign.out().contains("ran"), foreign.toString());
    assertFalse(Files.exists(marker), "another user's library was loaded");

    // This user's, but group-writable: not used either.
    new ProcessBuilder("chown", "-R", "root", dir.toString()).start().waitFor();
    recordIdentity(nativeDir); // only the folder's mode is wrong
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
    Cli.Result writable = run(env, "exec", manifest, "deploy");
    assertThat(writable).succeeds();
    assertFalse(Files.exists(marker), "a library others can replace was loaded");

    // This user's and private, but the library is not the file whose digest matched: the class
    // cache is tried (and found broken, silently), the library is not loaded.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.write(
        nativeDir.resolve("libsqlitejdbc.so"),
        Files.readAllBytes(nativeDir.resolve("libsqlitejdbc.so")),
        java.nio.file.StandardOpenOption.APPEND);
    Cli.Result broken = run(env, "exec", manifest, "deploy");
    assertThat(broken).succeeds();
    assertFalse(Files.exists(marker), "a library that is not the checked file was loaded");
    assertEquals("", broken.err(), "a broken cache says nothing: " + broken);
  }

  /**
   * A jar replaced by an older file (a copy that kept its time, an unpacked archive) is known by
   * its own identity, so that its cache is never another jar's; and it is not rebuilt for that.
   */
  @Test
  @Order(4)
  void aJarReplacedByAnOlderFileIsKnownByItsOwnIdentity() throws Exception {
    built();
    Map<String, String> env = env(home("older"));
    String before = cacheOf(env);
    Path jar = copy.resolve("target/agentcli.jar");
    FileTime built = Files.getLastModifiedTime(jar);
    // Still newer than every source (copied before the build), only older than it was.
    Files.setLastModifiedTime(jar, FileTime.fromMillis(built.toMillis() - 1000));
    Cli.Result info = run(env, "--launcher-info");
    assertThat(info).succeeds();
    assertFalse(info.err().contains("building"), info.toString());
    assertNotEquals(before, cacheOf(env), "the cache of the jar as it was");
  }

  /** Writes the library's identity as the launcher's warm-up records it after the digest check. */
  static void recordIdentity(Path nativeDir) throws Exception {
    Path lib = nativeDir.resolve("libsqlitejdbc.so");
    Process find =
        new ProcessBuilder("find", lib.toString(), "-maxdepth", "0", "-printf", "%i %s %T@ %C@\\n")
            .start();
    String id = new String(find.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, find.waitFor());
    Path file = nativeDir.resolve("libsqlitejdbc.so.id");
    Files.writeString(file, id + "\n");
    Files.setOwner(file, Files.getOwner(lib));
  }

  static void built() {
    assertTrue(Files.exists(copy.resolve("target/agentcli.jar")), "the first test builds the jar");
  }

  static String cacheOf(Map<String, String> env) throws Exception {
    Cli.Result info = run(env, "--launcher-info");
    for (String line : info.out().split("\n")) {
      if (line.startsWith("cache ")) {
        return line.substring("cache ".length());
      }
    }
    throw new AssertionError(info.toString());
  }
}
