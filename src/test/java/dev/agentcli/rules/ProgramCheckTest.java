package dev.agentcli.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which {@code ls} an allow of {@code ls} allows: the one the shell finds first in PATH, and only
 * when the caller could not have put it there. The caller's access is a given here (folders named
 * "mine" are the caller's to write); {@code ShadowedProgramIT} shows the real access of a real
 * user.
 */
class ProgramCheckTest {
  @TempDir Path dir;
  Path system;
  Path mine;

  final ProgramCheck.Access access = p -> p.startsWith(dir.resolve("mine"));

  @BeforeEach
  void folders() throws Exception {
    system = Files.createDirectories(dir.resolve("system"));
    mine = Files.createDirectories(dir.resolve("mine"));
    program(system.resolve("ls"));
    program(system.resolve("echo"));
  }

  static Path program(Path file) throws Exception {
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  Optional<ProgramCheck.Unsure> check(String line, String path) {
    return ProgramCheck.refusal(ShellParser.parse(line), Map.of("PATH", path), access);
  }

  String path(Path... folders) {
    return String.join(":", Arrays.stream(folders).map(Path::toString).toList());
  }

  @Test
  void theSystemsProgramHolds() {
    assertEquals(Optional.empty(), check("ls -la", path(mine, system)));
  }

  @Test
  void aProgramTheCallerPutFirstInPathDoesNot() throws Exception {
    Path planted = program(mine.resolve("ls"));
    ProgramCheck.Unsure u = check("ls -la", path(mine, system)).orElseThrow();
    assertEquals("ls -la", u.command());
    assertTrue(u.why().contains(planted.toString()), u.why());
  }

  @Test
  void everyCommandOfTheLineIsLookedUpSubstitutionsIncluded() throws Exception {
    program(mine.resolve("wc"));
    assertEquals("wc -l", check("echo $(ls | wc -l)", path(mine, system)).orElseThrow().command());
  }

  @Test
  void aLinkInASystemFolderToTheCallersFileDoesNot() throws Exception {
    Path real = program(mine.resolve("real-ls"));
    Files.delete(system.resolve("ls"));
    Files.createSymbolicLink(system.resolve("ls"), real);
    assertTrue(check("ls", path(system)).orElseThrow().why().contains(real.toString()));
  }

  @Test
  void aRelativeFolderSearchedBeforeTheProgramDoesNotAfterItDoes() {
    assertTrue(check("ls", ":" + system).orElseThrow().why().contains("relative folder"));
    assertTrue(check("ls", "bin:" + system).orElseThrow().why().contains("relative folder"));
    assertEquals(Optional.empty(), check("ls", system + ":"));
  }

  @Test
  void theShellsBuiltinsAndProgramsNamedByTheirPathAreNotLookedUp() throws Exception {
    program(mine.resolve("echo"));
    program(mine.resolve("cd"));
    assertEquals(Optional.empty(), check("cd src && echo hi && pwd", path(mine, system)));
    assertEquals(Optional.empty(), check(system + "/ls", path(mine)));
  }

  @Test
  void notFoundAnywhereRunsNothingAndNoPathIsAReasonToAsk() {
    assertEquals(Optional.empty(), check("nosuchprogram", path(mine, system)));
    assertTrue(
        ProgramCheck.refusal(ShellParser.parse("ls"), Map.of(), access)
            .orElseThrow()
            .why()
            .contains("no PATH"));
  }

  @Test
  void aFolderOrAFileThatIsNotAProgramIsPassedOverAsTheShellDoes() throws Exception {
    Files.createDirectories(mine.resolve("ls"));
    assertEquals(Optional.empty(), check("ls", path(mine, system)));
    program(system.resolve("cat"));
    Files.writeString(mine.resolve("cat"), "not executable");
    assertEquals(Optional.empty(), check("cat x", path(mine, system)));
  }

  @Test
  void aScriptsInterpreterIsLookedUpTooInTheSamePath() throws Exception {
    Path tool = program(system.resolve("tool"));
    Files.writeString(tool, "#!/usr/bin/env -S VAR=1 interp -u\n");
    assertEquals(Optional.empty(), check("tool", path(mine, system)), "no interp anywhere");
    program(system.resolve("interp"));
    assertEquals(Optional.empty(), check("tool", path(mine, system)), "the system's interp");
    Path planted = program(mine.resolve("interp"));
    assertTrue(check("tool", path(mine, system)).orElseThrow().why().contains(planted.toString()));
    Files.writeString(tool, "#!" + planted + "\n");
    assertTrue(check("tool", path(system)).orElseThrow().why().contains(planted.toString()));
    Files.writeString(tool, "#!/bin/sh -e\n");
    assertEquals(Optional.empty(), check("tool", path(mine, system)));
  }
}
