package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --db value with a scheme is understood or refused, never taken for a file path (issue 15). */
class DatabaseUrlTest {
  @TempDir Path home;

  @Test
  void aUrlOtherThanPostgresqlsOrOneWithASecretOrParametersIsRefusedAndNothingIsCreated()
      throws Exception {
    Files.writeString(home.resolve("m.json"), Cli.oneTask("{\"policy\": \"manual\"}", "true"));
    Cli cli = new Cli(home);
    for (String url :
        new String[] {
          "file:///tmp/x.db",
          "mysql://db.example/agentcli",
          "sqlite:x.db",
          "postgresql://agent:hunter2@db.example:5432/agentcli",
          "postgresql://db.example/agentcli?socketFactory=java.io.FileOutputStream",
          "postgresql://db.example/agentcli?loggerFile=/tmp/x",
          "postgresql://db.example/agentcli?sslmode=prefer",
          "postgresql://db.example/agentcli?sslmode=disable&sslfactory=x",
          "postgresql://db.example:99999/agentcli",
          "postgresql://db.example/",
          "postgresql://db.example,other.example/agentcli"
        }) {
      assertThat(
              cli.run(
                  "--db", url, "approve", "./m.json", "deploy", "--by", "p", "--signer", "none"))
          .fails(2, "usage_error")
          .errContains("--db")
          .errLacks("hunter2");
      assertThat(cli.run("approvals", "list", "--db", url)).fails(2, "usage_error");
    }
    try (var made = Files.list(home)) {
      assertFalse(
          made.anyMatch(p -> p.getFileName().toString().endsWith(":")),
          "a folder named after the URL's scheme was created");
    }
  }

  @Test
  void agentcliDbNamesTheStoreAsDbDoesAndIsCheckedTheSameWay() throws Exception {
    Files.writeString(
        home.resolve("m.json"),
        Cli.oneTask("{\"policy\": \"manual\", \"signature\": \"optional\"}", "true"));
    Path elsewhere = home.resolve("elsewhere.db");
    Cli cli = new Cli(home).env("AGENTCLI_DB", elsewhere.toString());
    assertThat(cli.run("approve", "./m.json", "deploy", "--by", "p", "--signer", "none"))
        .succeeds();
    assertTrue(Files.exists(elsewhere), "the database AGENTCLI_DB names");
    assertFalse(Files.exists(home.resolve("state/agentcli.db")), "not the home's");
    Path flag = home.resolve("flag.db");
    assertThat(
            cli.run(
                "approve",
                "./m.json",
                "deploy",
                "--by",
                "p",
                "--signer",
                "none",
                "--db",
                flag.toString()))
        .succeeds();
    assertTrue(Files.exists(flag), "--db wins over AGENTCLI_DB");
    for (String url :
        new String[] {"file:///tmp/x.db", "postgresql://agent:hunter2@db.example/agentcli"}) {
      assertThat(new Cli(home).env("AGENTCLI_DB", url).run("approvals", "list"))
          .fails(65, "input_invalid")
          .errContains("AGENTCLI_DB")
          .errLacks("hunter2");
    }
  }
}
