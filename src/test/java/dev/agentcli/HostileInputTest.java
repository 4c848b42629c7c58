package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus in src/test/resources/hostile, each case run through the CLI: the expected code and
 * exit status, and the database byte for byte unchanged.
 */
class HostileInputTest {
  static final Path CORPUS = Path.of("src/test/resources/hostile");
  static final String VALID =
      "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [{\"id\": \"t\","
          + " \"shell\": {\"program\": \"true\"}, \"approval\": {\"policy\": \"manual\","
          + " \"signature\": \"optional\"}}]}]}";

  @TempDir Path home;
  Cli cli;
  String valid;

  @BeforeEach
  void setUp() {
    cli = new Cli(home);
    valid = cli.manifest("valid.json", VALID);
    assertEquals(0, cli.run("approve", valid, "t", "--by", "ops", "--signer", "none").status());
  }

  String dbDigest() throws Exception {
    return TestStore.of(home).digest();
  }

  String file(String name) throws Exception {
    switch (name) {
      case "gen:valid":
        return valid;
      case "gen:huge":
        return write(
            "huge.json",
            VALID.replace(
                "\"true\"", "\"true\", \"stdin\": \"" + "x".repeat(17 * 1024 * 1024) + "\""));
      case "gen:long-argument":
        return write(
            "long.json",
            VALID.replace("\"true\"", "\"echo\", \"args\": [\"" + "y".repeat(1024 * 1024) + "\"]"));
      case "gen:fifo":
        Path fifo = home.resolve("fifo.json");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        return fifo.toString();
      case "gen:directory":
        return Files.createDirectories(home.resolve("dir.json")).toString();
      case "gen:missing":
        return home.resolve("missing.json").toString();
      default:
        return CORPUS.resolve(name).toAbsolutePath().toString();
    }
  }

  String write(String name, String text) throws IOException {
    return Files.writeString(home.resolve(name), text, StandardCharsets.UTF_8).toString();
  }

  @TestFactory
  Stream<DynamicTest> everyCaseGivesItsCodeAndLeavesTheDatabaseUnchanged() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (String line : Files.readAllLines(CORPUS.resolve("cases.tsv"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      tests.add(
          DynamicTest.dynamicTest(
              f[0] + " | " + f[1],
              () -> {
                String before = dbDigest();
                String path = file(f[0]);
                List<String> args = new ArrayList<>();
                for (String a : Arrays.asList(f[1].split(" ", -1))) {
                  args.add(a.equals("{}") ? path : a);
                }
                Cli.Result r = cli.run(args.toArray(String[]::new));
                assertEquals(f[2], r.code(), line + "\n" + r);
                assertEquals(Integer.parseInt(f[3]), r.status(), line);
                assertEquals(before, dbDigest(), "database changed by: " + line);
              }));
    }
    return tests.stream();
  }

  @Test
  void manifestOfAHundredThousandTasksWorks() throws IOException {
    StringBuilder tasks = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      tasks
          .append(i == 0 ? "" : ",")
          .append("{\"id\": \"t")
          .append(i)
          .append("\", \"shell\": {\"program\": \"true\"}}");
    }
    String m =
        write(
            "many.json",
            "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"w\", \"tasks\": [" + tasks + "]}]}");
    assertEquals(0, cli.run("exec", m, "t99999").status());
    assertEquals("task_not_found", cli.run("exec", m, "t100000").code());
  }

  @Test
  void grantDatedInTheFutureIsNotUsedUntilTheClockCatchesUp() {
    cli.advance(Duration.ofHours(1));
    assertEquals(0, cli.run("approve", valid, "t", "--by", "ops", "--signer", "none").status());
    cli.advance(Duration.ofHours(-1));
    assertEquals(0, cli.run("claim", valid, "t").status(), "the grant made in setUp");
    Cli.Result r = cli.run("claim", valid, "t");
    assertThat(r).hasCode("approval_required");
    assertEquals(
        true,
        r.error().path("details").path("why").asText().contains("dated in the future"),
        r.toString());
    cli.advance(Duration.ofHours(1));
    assertEquals(0, cli.run("claim", valid, "t").status());
  }
}
