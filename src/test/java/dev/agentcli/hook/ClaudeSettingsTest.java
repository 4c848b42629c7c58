package dev.agentcli.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaudeSettingsTest {
  @TempDir Path dir;

  static final String OTHERS =
      """
      {"model": "opus",
       "permissions": {"deny": ["Bash(curl:*)"]},
       "hooks": {
         "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "audit.sh"}]}],
         "PostToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": "log.sh"}]}]
       }}
      """;

  Map<String, Object> entry() {
    return ClaudeSettings.entry(
        "'/opt/agentcli/bin/agentcli' hook claude-code --deadline 50s || exit 2", 60);
  }

  @Test
  void installKeepsEveryOtherSettingAndHookAndUninstallGivesTheFileBack() throws Exception {
    Path file = dir.resolve(".claude/settings.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, OTHERS);
    assertTrue(ClaudeSettings.install(file, entry(), false));
    Map<String, Object> after = Json.parseObject(Files.readString(file));
    assertEquals("opus", after.get("model"));
    assertEquals(Json.parseObject(OTHERS).get("permissions"), after.get("permissions"));
    List<?> pre = (List<?>) ((Map<?, ?>) after.get("hooks")).get("PreToolUse");
    assertEquals(2, pre.size());
    assertEquals(Json.compact(entry()), Json.compact(pre.get(1)));
    assertTrue(ClaudeSettings.installed(file));

    assertFalse(ClaudeSettings.install(file, entry(), false), "a second install changes nothing");
    assertTrue(ClaudeSettings.uninstall(file));
    assertEquals(Json.parseObject(OTHERS), Json.parseObject(Files.readString(file)));
    assertFalse(ClaudeSettings.uninstall(file));
  }

  @Test
  void installCreatesTheFileAndUninstallLeavesNoEmptyHooksBehind() throws Exception {
    Path file = dir.resolve("new/settings.json");
    assertTrue(ClaudeSettings.install(file, entry(), false));
    assertTrue(ClaudeSettings.installed(file));
    assertTrue(ClaudeSettings.uninstall(file));
    assertEquals(Map.of(), Json.parseObject(Files.readString(file)));
  }

  @Test
  void aFileThatIsNotASettingsObjectIsNeverOverwritten() throws Exception {
    Path file = dir.resolve("settings.json");
    for (String broken : List.of("{\"hooks\": [", "[1, 2]", "{\"hooks\": []}")) {
      Files.writeString(file, broken);
      assertThrows(AgentCliException.class, () -> ClaudeSettings.install(file, entry(), false));
      assertEquals(broken, Files.readString(file));
    }
  }
}
