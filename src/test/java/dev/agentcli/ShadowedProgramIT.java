package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent running as a developer writes {@code ~/.local/bin/ls} with its file tools; the
 * developer's PATH puts that folder before {@code /usr/bin}, as Debian's {@code ~/.profile} does.
 * Under the starter rules, which allow {@code ls}, the next {@code ls} is then the agent's program:
 * bash really runs it (checked here by running bash as that user), so neither the Claude Code hook
 * nor {@code run} may allow it unasked. A real unprivileged user (root may write every file, where
 * the check has nothing to tell), the real file system's permissions.
 */
class ShadowedProgramIT {
  static final String USER = "acshadow";
  static Path base;
  static Path home;
  static Path jar;

  @BeforeAll
  static void developer() throws Exception {
    Started.requireNoHostOperatorConfig();
    if (TestFiles.sh(Map.of(), new byte[0], "id", "-u", USER).status() != 0) {
      assertEquals(
          0, TestFiles.sh(Map.of(), new byte[0], "useradd", "-M", "-s", "/bin/sh", USER).status());
    }
    base = Files.createTempDirectory("agentcli-shadow-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    // The jar where the user may read it, whatever the checkout's folders allow.
    jar =
        Files.copy(
            Path.of(System.getProperty("agentcli.test.jar")),
            base.resolve("agentcli.jar"),
            StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    home = Files.createDirectories(base.resolve("home"));
    Files.createDirectories(home.resolve(".local/bin"));
    Files.createDirectories(home.resolve("agentcli"));
    Files.createDirectories(home.resolve("work"));
    Files.copy(
        Path.of("src/main/resources/dev/agentcli/rules/starter-rules.json"),
        home.resolve("agentcli/rules.json"));
    assertEquals(
        0,
        TestFiles.sh(Map.of(), new byte[0], "chown", "-R", USER + ":", home.toString()).status());
  }

  @AfterAll
  static void clean() throws Exception {
    TestFiles.sh(Map.of(), new byte[0], "rm", "-rf", base.toString());
  }

  /** {@code command} as the developer, in their work folder, with their PATH. */
  static Jvm.Done asDeveloper(byte[] stdin, String... command) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "runuser",
                "-u",
                USER,
                "--",
                "env",
                "-i",
                "-C",
                home.resolve("work").toString(),
                "HOME=" + home,
                "PATH=" + home.resolve(".local/bin") + ":/usr/local/bin:/usr/bin:/bin",
                "LANG=C.UTF-8",
                "AGENTCLI_HOME=" + home.resolve("agentcli")));
    all.addAll(List.of(command));
    return TestFiles.sh(Map.of(), stdin == null ? new byte[0] : stdin, all.toArray(String[]::new));
  }

  static Jvm.Done agentcli(byte[] stdin, String... args) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin/java").toString(), "-jar"));
    all.add(jar.toString());
    all.addAll(List.of(args));
    return asDeveloper(stdin, all.toArray(String[]::new));
  }

  static JsonNode json(String text) throws Exception {
    return ClaudeCodeEvents.JSON.readTree(text);
  }

  /** What the hook answers to the Bash call {@code command}. */
  static String hookSays(String command) throws Exception {
    byte[] event =
        ClaudeCodeEvents.JSON.writeValueAsBytes(
            ClaudeCodeEvents.event(home.resolve("work"), command));
    Jvm.Done d = agentcli(event, "hook", "claude-code", "--deadline", "5s");
    assertEquals(0, d.status(), d.toString());
    return json(d.out()).path("hookSpecificOutput").path("permissionDecision").asText();
  }

  @Test
  void anLsTheAgentPutFirstInPathIsNotAllowedUnasked() throws Exception {
    Path planted = home.resolve(".local/bin/ls");
    Files.deleteIfExists(planted);
    JsonNode before = json(agentcli(null, "run", "--dry-run", "--", "ls").out());
    assertEquals("allow", before.at("/ruling/decision").asText(), before.toString());
    assertEquals("allow", hookSays("ls -la"));

    // The agent writes its own ls; bash, as the developer, now runs it for `ls`.
    assertEquals(
        0,
        asDeveloper(
                "#!/bin/sh\necho planted\n".getBytes(StandardCharsets.UTF_8),
                "sh",
                "-c",
                "cat > " + planted + " && chmod +x " + planted)
            .status());
    assertEquals("planted\n", asDeveloper(null, "bash", "-c", "ls -la").out());

    JsonNode after = json(agentcli(null, "run", "--dry-run", "--", "ls").out());
    assertEquals("ask", after.at("/ruling/decision").asText(), after.toString());
    assertEquals("program", after.at("/ruling/rule").asText(), after.toString());
    assertTrue(after.at("/ruling/reason").asText().contains(planted.toString()), after.toString());
    assertTrue(!hookSays("ls -la").equals("allow"), "the hook does not allow the planted ls");
    // What the agent could not have written stays allowed: cat is still the system's.
    assertEquals("allow", hookSays("cat /etc/hostname"));
  }
}
