package dev.agentcli.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.manifest.Problem;
import dev.agentcli.manifest.TaskEnvironment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27: a manifest task's inherited environment is the same whoever runs it in single-user
 * mode, so that an approval made ahead in a terminal matches an agent whose client passes another
 * PATH and no LANG.
 */
class TaskEnvTest {
  @TempDir Path home;

  Map<String, String> taskEnv(Map<String, String> callerEnv) {
    return taskEnv(callerEnv, TaskEnvironment.NONE, null);
  }

  Map<String, String> taskEnv(
      Map<String, String> callerEnv, TaskEnvironment manifest, Path operatorConfig) {
    Map<String, String> env = new java.util.HashMap<>(callerEnv);
    env.put("AGENTCLI_HOME", home.toString());
    Context ctx =
        new Context(
            env,
            Clock.systemUTC(),
            home,
            new ByteArrayInputStream(new byte[0]),
            SecureRandom::new,
            operatorConfig == null ? home.resolve("no-operator-config.json") : operatorConfig,
            new ByteArrayOutputStream(),
            new ByteArrayOutputStream());
    return new Settings(ctx, Settings.Flags.NONE).taskEnv(manifest);
  }

  @Test
  void withoutATaskEnvFileItIsAFixedSetWhateverTheCallerHas() {
    Map<String, String> fixed =
        Map.of(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME",
            System.getProperty("user.home"),
            "LANG",
            "C.UTF-8");
    assertEquals(fixed, taskEnv(Map.of("PATH", "/home/me/bin:/usr/bin", "LANG", "de_DE.UTF-8")));
    assertEquals(fixed, taskEnv(Map.of("PATH", "/usr/bin", "HOME", "/elsewhere", "TZ", "UTC")));
  }

  @Test
  void theHomesTaskEnvFileSetsItAndInheritsOnlyWhatItNames() throws Exception {
    Files.writeString(
        home.resolve("task_env.json"),
        "{\"PATH\": \"/opt/tools/bin:/usr/bin\", \"LANG\": \"C.UTF-8\","
            + " \"inherit\": [\"NODE_ENV\", \"MISSING\"]}");
    assertEquals(
        Map.of("PATH", "/opt/tools/bin:/usr/bin", "LANG", "C.UTF-8", "NODE_ENV", "test"),
        taskEnv(Map.of("PATH", "/home/me/bin", "NODE_ENV", "test", "SECRET", "x")));
  }

  @Test
  void aTaskEnvFileThatIsNotAnObjectOfVariablesIsRefused() throws Exception {
    for (String bad :
        new String[] {
          "[]", "{\"PATH\": 3}", "{\"not a name\": \"x\"}", "{\"inherit\": \"PATH\"}", "{"
        }) {
      Files.writeString(home.resolve("task_env.json"), bad);
      AgentCliException e = assertThrows(AgentCliException.class, () -> taskEnv(Map.of()), bad);
      assertEquals(ErrorCode.INPUT_INVALID, e.code(), bad);
    }
  }

  static TaskEnvironment manifestTaskEnv(String json) {
    List<Problem> problems = new ArrayList<>();
    TaskEnvironment env = TaskEnvironment.read(Json.parseObject(json), "$.task_env", problems);
    assertEquals(List.of(), problems);
    return env;
  }

  @Test
  void aManifestsTaskEnvGoesOverTheHomesAndInheritsOnlyWhatItNames() {
    TaskEnvironment manifest =
        manifestTaskEnv("{\"PATH\": \"/opt/node/bin:/usr/bin\", \"inherit\": [\"NODE_ENV\"]}");
    assertEquals(
        Map.of(
            "PATH",
            "/opt/node/bin:/usr/bin",
            "HOME",
            System.getProperty("user.home"),
            "LANG",
            "C.UTF-8",
            "NODE_ENV",
            "production"),
        taskEnv(
            Map.of("PATH", "/home/me/bin", "NODE_ENV", "production", "X", "y"), manifest, null));
  }

  @Test
  void underAnOperatorConfigurationAManifestMaySetButNotInherit() throws Exception {
    Path config = home.resolve("config.json");
    Files.writeString(
        config,
        "{\"database\": \""
            + home.resolve("db/agentcli.db")
            + "\", \"allowed_signers\": \""
            + home.resolve("allowed_signers")
            + "\", \"manifests\": \""
            + home.resolve("manifests")
            + "\", \"task_env\": {\"PATH\": \"/usr/bin:/bin\"}}");
    Files.setPosixFilePermissions(
        config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(
        Map.of("PATH", "/usr/bin:/bin", "TZ", "UTC"),
        taskEnv(Map.of("PATH", "/home/me/bin"), manifestTaskEnv("{\"TZ\": \"UTC\"}"), config));
    AgentCliException e =
        assertThrows(
            AgentCliException.class,
            () ->
                taskEnv(
                    Map.of("NODE_ENV", "x"),
                    manifestTaskEnv("{\"inherit\": [\"NODE_ENV\"]}"),
                    config));
    assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
  }
}
