package dev.agentcli.cli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage as git users expect it (issue 17, item 1). */
class UsageTest {
  @TempDir Path home;

  @Test
  void agentcliAlonePrintsTheCommandsAndExits2() {
    Cli.Result r = new Cli(home).run();
    assertEquals(2, r.status());
    assertTrue(r.err().contains("Commands:") && r.err().contains("exec"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aMistypedCommandOrOptionGetsDidYouMean() {
    Cli.Result command = new Cli(home).run("exce", "m.json", "deploy");
    assertThat(command).fails(2, "usage_error").errContains("did you mean exec?");
    Cli.Result option = new Cli(home).run("exec", "m.json", "deploy", "--dry-rn");
    assertThat(option).fails(2, "usage_error").errContains("did you mean --dry-run?");
  }

  @Test
  void globalOptionsWorkBeforeTheCommandToo() {
    Cli cli = new Cli(home);
    Cli.Result before = cli.run("--format", "text", "approvals", "list");
    assertThat(before).succeeds();
    assertTrue(before.out().startsWith("APPROVAL_ID"), before.out());
    assertThat(cli.run("--format=text", "--lock-timeout-ms", "100", "approvals", "list"))
        .succeeds();
    Cli.Result run = cli.run("--format", "text", "run", "--dry-run", "--", "echo", "--format");
    assertThat(run).succeeds();
    assertTrue(run.out().contains("echo --format"), run.out());
  }

  @Test
  void theDemoRefusesTheOptionsItWouldIgnore() {
    Cli cli = new Cli(home);
    assertThat(cli.run("demo", "--format", "json")).fails(2, "usage_error").errContains("--format");
    assertThat(cli.run("demo", "--home", home.toString())).fails(2, "usage_error");
  }

  @Test
  void versionIsACommandAndAFlag() {
    Cli cli = new Cli(home);
    for (String[] args :
        new String[][] {{"version", "--format", "text"}, {"-v"}, {"-V"}, {"--version"}}) {
      Cli.Result r = cli.run(args);
      assertThat(r).succeeds();
      assertTrue(r.out().startsWith("agentcli "), r.out());
    }
    assertTrue(cli.run("version").json().path("version").asText().matches("[0-9].*|dev"));
  }

  @Test
  void helpNamesACommandOrASubcommandAndRefusesAnUnknownOne() {
    Cli cli = new Cli(home);
    assertEquals(cli.run("exec", "--help").out(), cli.run("help", "exec").out());
    Cli.Result sub = cli.run("help", "approvals", "list");
    assertThat(sub).succeeds();
    assertTrue(sub.out().startsWith("Usage: agentcli approvals list"), sub.out());
    Cli.Result all = cli.run("help");
    assertTrue(all.out().contains("Commands:") && all.out().contains("exec"), all.out());
    assertThat(cli.run("help", "nosuch")).fails(2, "usage_error").errContains("nosuch");
  }
}
