package dev.agentcli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OperatorConfigTest {
  @TempDir Path dir;

  private OperatorConfig load(String extra) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(
        file,
        "{\"database\": \""
            + dir.resolve("agentcli.db")
            + "\", \"allowed_signers\": \""
            + dir.resolve("allowed_signers")
            + "\", \"manifests\": \""
            + dir.resolve("manifests")
            + "\""
            + extra
            + "}");
    return OperatorConfig.load(file).orElseThrow();
  }

  @Test
  void tasksRunAsAgentcliItselfUnlessATaskUserIsNamed() throws Exception {
    assertNull(load("").taskUser());
    assertEquals("agentcli-task", load(", \"task_user\": \"agentcli-task\"").taskUser());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"root\"", "\"-u\"", "\"a b\"", "\"\"", "\"Alice\"", "7", "null"})
  void aTaskUserThatIsRootOrNoUserNameStopsEverything(String value) {
    AgentCliException e =
        assertThrows(AgentCliException.class, () -> load(", \"task_user\": " + value));
    assertEquals(ErrorCode.CONFIG_INVALID, e.code());
    assertTrue(e.getMessage().contains("task_user"), e.getMessage());
  }

  /** Issue 28: which risk levels a passkey must sign with its user verified. */
  @Test
  void passkeysVerifyTheirUserForHighAndCriticalRiskUnlessConfigured() throws Exception {
    assertEquals(java.util.Set.of("high", "critical"), load("").userVerifiedRisks());
    assertEquals(
        java.util.Set.of("low", "high"),
        load(", \"passkey_user_verification\": [\"low\", \"high\"]").userVerifiedRisks());
    for (String bad : new String[] {"\"high\"", "[1]", "[\"\"]", "null"}) {
      AgentCliException e =
          assertThrows(
              AgentCliException.class, () -> load(", \"passkey_user_verification\": " + bad));
      assertEquals(ErrorCode.CONFIG_INVALID, e.code(), bad);
    }
  }
}
