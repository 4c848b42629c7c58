package dev.agentcli.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.codec.Sha256;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The execution binding and its hash: pure, on a manifest folder in a temp dir. */
class TaskBindingTest {
  @TempDir Path dir;
  static final Map<String, String> AMBIENT =
      Map.of(
          "PATH",
          System.getenv("PATH"),
          "HOME",
          "/home/x",
          "TERM",
          "xterm",
          "SECRET_TOKEN",
          "t0k3n",
          "LC_ALL",
          "C");

  Task task(String json) {
    Manifest m =
        ManifestParser.parse(
            ("{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [" + json + "]}]}")
                .getBytes(StandardCharsets.UTF_8),
            "test",
            dir);
    return m.tasks().get(0);
  }

  String hash(String json) {
    return TaskBinding.of(task(json), dir, TaskBinding.inherited(AMBIENT), FileDigests.DIRECT)
        .taskHash()
        .value();
  }

  static final String BASE =
      "{\"id\": \"t\", \"shell\": {\"program\": \"echo\", \"args\": [\"a\", \"b\"], \"env\": {\"K\": \"v\"}},"
          + " \"approval\": {\"policy\": \"manual\"}}";

  @Test
  void hashIsStableAndIgnoresDescriptionsAndUnknownBlocks() {
    assertEquals(hash(BASE), hash(BASE));
    assertEquals(
        hash(BASE),
        hash(
            BASE.replace(
                "{\"id\": \"t\",",
                "{\"id\": \"t\", \"description\": \"x\", \"contract\": {\"a\": 1},")));
  }

  @Test
  void everyPartOfWhatWouldRunChangesTheHash() {
    String base = hash(BASE);
    for (String changed :
        List.of(
            BASE.replace("\"a\", \"b\"", "\"a\", \"c\""),
            BASE.replace("\"a\", \"b\"", "\"b\", \"a\""),
            BASE.replace("\"a\", \"b\"", "\"a\", \"b\", \"\""),
            BASE.replace("\"echo\"", "\"printf\""),
            BASE.replace("\"v\"}", "\"w\"}"),
            BASE.replace("{\"K\": \"v\"}", "{\"K\": \"v\", \"L\": \"\"}"),
            BASE.replace("\"env\"", "\"stdin\": \"in\", \"env\""),
            BASE.replace("\"env\"", "\"cwd\": \"/tmp\", \"env\""),
            BASE.replace("\"manual\"}", "\"manual\", \"timeout_s\": 60}"),
            BASE.replace("\"manual\"}", "\"manual\", \"approver_scope\": \"bob\"}"),
            BASE.replace("\"manual\"}", "\"manual\", \"risk_level\": \"low\"}"),
            BASE.replace("\"manual\"}", "\"manual\", \"signature\": \"optional\"}"),
            BASE.replace("\"manual\"", "\"auto-approve\""),
            BASE.replace("\"approval\"", "\"runtime\": {\"timeout_ms\": 5}, \"approval\""),
            BASE.replace("\"t\"", "\"u\""))) {
      assertNotEquals(base, hash(changed), changed);
    }
  }

  @Test
  void bindingHoldsHashesNotValuesAndOnlyAllowlistedAmbientVariables() {
    TaskBinding b =
        TaskBinding.of(task(BASE), dir, TaskBinding.inherited(AMBIENT), FileDigests.DIRECT);
    assertFalse(b.json().contains("\"a\""), b.json());
    assertFalse(b.json().contains("\"v\""), b.json());
    assertTrue(b.json().contains("\"K\":\"sha256:"), b.json());
    assertFalse(b.json().contains("SECRET_TOKEN"), "the agent's secrets are not passed on");
    assertFalse(b.json().contains("TERM"));
    assertTrue(b.json().contains("LC_ALL"));
    assertEquals(
        Map.of("PATH", System.getenv("PATH"), "HOME", "/home/x", "LC_ALL", "C", "K", "v"),
        b.command().env());
    assertEquals(List.of("a", "b"), b.command().args());
    assertEquals(Sha256.of(b.json()), b.taskHash().value());
  }

  @Test
  void canonicalJsonSortsKeysWithoutWhitespace() {
    Map<String, Object> inner = new java.util.HashMap<>();
    inner.put("c", "x");
    inner.put("b", null);
    Map<String, Object> outer = new java.util.HashMap<>();
    outer.put("z", true);
    outer.put("a", List.of(1, inner));
    assertEquals(
        "{\"a\":[1,{\"b\":null,\"c\":\"x\"}],\"z\":true}",
        dev.agentcli.codec.Json.canonical(outer));
  }

  @Test
  void programResolvesThroughTheChildPathToARealPath() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
    tool.toFile().setExecutable(true);
    String json =
        "{\"id\": \"t\", \"shell\": {\"program\": \"tool\", \"env\": {\"PATH\": \"" + bin + "\"}}}";
    assertEquals(
        tool.toRealPath(),
        TaskBinding.of(task(json), dir, TaskBinding.inherited(AMBIENT), FileDigests.DIRECT)
            .command()
            .program());
    Path link = Files.createSymbolicLink(bin.resolve("alias"), tool);
    String viaLink = json.replace("\"tool\"", "\"./bin/alias\"");
    assertEquals(
        tool.toRealPath(),
        TaskBinding.of(task(viaLink), dir, TaskBinding.inherited(AMBIENT), FileDigests.DIRECT)
            .command()
            .program());
    assertTrue(Files.isSymbolicLink(link));
  }

  @Test
  void relativeCwdStartsAtTheManifestsFolder() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("sub"));
    String json = "{\"id\": \"t\", \"shell\": {\"program\": \"true\", \"cwd\": \"sub\"}}";
    assertEquals(
        sub.toRealPath(),
        TaskBinding.of(task(json), dir, TaskBinding.inherited(AMBIENT), FileDigests.DIRECT)
            .command()
            .cwd());
    assertEquals(
        dir.toRealPath(),
        TaskBinding.of(task(BASE), dir, TaskBinding.inherited(AMBIENT), FileDigests.DIRECT)
            .command()
            .cwd());
  }

  @Test
  void unresolvableProgramsAreNamedErrors() throws Exception {
    AgentCliException missing =
        assertThrows(
            AgentCliException.class, () -> hash(BASE.replace("\"echo\"", "\"no-such-prog-xyz\"")));
    assertEquals(ErrorCode.PROGRAM_NOT_FOUND, missing.code());
    Files.writeString(dir.resolve("plain.sh"), "echo\n");
    AgentCliException plain =
        assertThrows(
            AgentCliException.class, () -> hash(BASE.replace("\"echo\"", "\"./plain.sh\"")));
    assertEquals(ErrorCode.PROGRAM_NOT_EXECUTABLE, plain.code());
  }
}
