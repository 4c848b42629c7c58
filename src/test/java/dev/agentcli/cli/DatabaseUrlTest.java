package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --db value with a scheme is understood or refused, never taken for a file path (issue 15). */
class DatabaseUrlTest {
  @TempDir Path home;

  @Test
  void aDatabaseUrlIsRefusedAndNothingIsCreated() throws Exception {
    Files.writeString(home.resolve("m.json"), Cli.oneTask("{\"policy\": \"manual\"}", "true"));
    Cli cli = new Cli(home);
    for (String url :
        new String[] {
          "postgresql://agent@db.example:5432/agentcli",
          "postgres://db/agentcli",
          "file:///tmp/x.db"
        }) {
      assertThat(
              cli.run(
                  "--db", url, "approve", "./m.json", "deploy", "--by", "p", "--signer", "none"))
          .fails(2, "usage_error")
          .errContains("--db");
      assertThat(cli.run("approvals", "list", "--db", url)).fails(2, "usage_error");
    }
    try (var made = Files.list(home)) {
      assertFalse(
          made.anyMatch(p -> p.getFileName().toString().endsWith(":")),
          "a folder named after the URL's scheme was created");
    }
  }
}
