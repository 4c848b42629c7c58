package dev.agentcli.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
  @TempDir Path dir;

  List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aNewFileHasTheTextAndModeAndNothingElseIsLeft() throws Exception {
    Path f = dir.resolve("a.json");
    AtomicFile.write(f, "héllo\n");
    assertEquals("héllo\n", Files.readString(f));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    AtomicFile.write(f, "two\n", PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals("two\n", Files.readString(f));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertEquals(List.of("a.json"), names());
  }

  @Test
  void aReplaceThatFailsLeavesTheOldFileAndNoTemporaryOne() throws Exception {
    Path target = Files.createDirectory(dir.resolve("taken"));
    Files.writeString(target.resolve("inside"), "kept");
    assertThrows(IOException.class, () -> AtomicFile.write(target, "new"));
    assertEquals("kept", Files.readString(target.resolve("inside")));
    assertEquals(List.of("taken"), names());
  }
}
