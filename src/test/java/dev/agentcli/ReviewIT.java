package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's inbox in a real terminal: {@code review} runs in a tmux session, is driven with
 * send-keys and read with capture-pane, approves one request and denies another; without a terminal
 * it refuses.
 */
class ReviewIT {
  @TempDir Path home;
  final String session = "agentcli-review-" + ProcessHandle.current().pid();

  @AfterEach
  void kill() throws Exception {
    killSession(session);
  }

  /**
   * Ends a tmux session and waits until its processes have exited: a shell hung up writes its
   * history file, and an agentcli still running writes its database, so a temporary folder deleted
   * before they exit fails to delete.
   */
  static void killSession(String session) throws Exception {
    String pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip();
    List<ProcessHandle> processes = new ArrayList<>();
    if (pid.matches("[0-9]+")) {
      ProcessHandle.of(Long.parseLong(pid))
          .ifPresent(
              shell -> {
                processes.add(shell);
                shell.descendants().forEach(processes::add);
              });
    }
    tmux("kill-session", "-t", session);
    for (ProcessHandle p : processes) {
      p.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  static String tmux(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("tmux"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  /** Waits (a hang guard, not a timing assertion) until the pane shows {@code text}. */
  String screenWith(String text) throws Exception {
    String screen = "";
    for (int i = 0; i < 600; i++) {
      screen = tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
      if (screen.contains(text)) {
        return screen;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the terminal never showed '" + text + "':\n" + screen);
  }

  @Test
  void aPersonApprovesOneRequestAndDeniesAnotherInATerminal() throws Exception {
    Cli cli = new Cli(home);
    Path key = TestFiles.ed25519(home, "alice_ed25519");
    assertThat(cli.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    String m1 = cli.manifest("one.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "one"));
    String m2 = cli.manifest("two.json", Cli.oneTask("{\"policy\": \"manual\"}", "echo", "two"));
    String first =
        cli.at(Instant.now())
            .run("request", m1, "deploy", "--reason", "first")
            .json()
            .path("request_id")
            .asText();
    String second =
        cli.at(Instant.now().plusMillis(5))
            .run("request", m2, "deploy", "--reason", "second")
            .json()
            .path("request_id")
            .asText();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = home.resolve("review.sh");
    Files.writeString(
        script,
        "#!/bin/sh\nAGENTCLI_HOME='"
            + home
            + "' exec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.agentcli.Main review --by alice@example.com --signing-key '"
            + key
            + "'\n");
    script.toFile().setExecutable(true);
    tmux(
        "new-session", "-d", "-s", session, "-x", "200", "-y", "60", "sh " + script + "; sleep 60");

    assertTrue(screenWith("[a]pprove, [d]eny").contains(first), "the oldest request comes first");
    tmux("send-keys", "-t", session, "a", "Enter");
    screenWith("approved " + first);
    assertTrue(screenWith("Request " + second).contains("reason    second"));
    tmux("send-keys", "-t", session, "d", "Enter");
    screenWith("reason:");
    tmux("send-keys", "-t", session, "Not on a Friday", "Enter");
    String end = screenWith("reviewed: 1 approved, 1 denied, 0 skipped");
    assertTrue(end.contains("denied " + second), end);

    JsonNode one = cli.at(Instant.now()).run("requests", "show", first).json().path("request");
    JsonNode two = cli.at(Instant.now()).run("requests", "show", second).json().path("request");
    assertEquals("approved", one.path("status").asText());
    assertEquals("denied", two.path("status").asText());
    assertEquals("Not on a Friday", two.path("denials").get(0).path("reason").asText());
  }

  @Test
  void aWaitingExecShowsHowLongItHasWaitedOnATerminalAndThenOnlyTheTasksOutput() throws Exception {
    Cli cli = new Cli(home);
    String m =
        cli.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"signature\": \"optional\"}", "echo", "shipped"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = home.resolve("exec.sh");
    Files.writeString(
        script,
        "#!/bin/sh\nAGENTCLI_HOME='"
            + home
            + "' '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.agentcli.Main --format text exec '"
            + m
            + "' deploy --wait 2m; echo \"status $?\"\n");
    script.toFile().setExecutable(true);
    tmux(
        "new-session", "-d", "-s", session, "-x", "200", "-y", "60", "sh " + script + "; sleep 60");
    screenWith("agentcli: waited 2 s");
    String id = cli.onlyPendingRequest();
    assertThat(cli.at(Instant.now()).run("approve", id, "--by", "ops", "--signer", "none"))
        .succeeds();
    String end = screenWith("status 0");
    assertTrue(end.contains("shipped"), end);
    assertTrue(!end.contains("waited"), "the progress line is gone once decided:\n" + end);
  }

  @Test
  void withoutATerminalReviewRefusesAndPointsAtTheListing() throws Exception {
    Jvm.Done d = Jvm.run(home, "review", "--by", "alice@example.com");
    assertThat(d).fails(2, "terminal_required").errContains("requests list");
  }

  /**
   * Issue 27: JSON was the default even for a person at a terminal. As gh does: text there. Only
   * stdout is looked at: status's warnings go to stderr, straight to the terminal, and could land
   * before the piped JSON on the screen.
   */
  @Test
  void aTerminalGetsTextAPipeGetsJsonAndTheVariableOrTheFlagDecidesOtherwise() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String agentcli =
        "AGENTCLI_HOME='"
            + home
            + "' '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.agentcli.Main";
    Path script = home.resolve("formats.sh");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "echo '== terminal'; "
            + agentcli
            + " status 2>/dev/null\n"
            + "echo '== pipe'; "
            + agentcli
            + " status 2>/dev/null | cat\n"
            + "echo '== variable'; AGENTCLI_FORMAT=json "
            + agentcli
            + " status 2>/dev/null\n"
            + "echo '== flag'; "
            + agentcli
            + " status --format json 2>/dev/null\n"
            + "echo '== end'\n");
    script.toFile().setExecutable(true);
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "200",
        "-y",
        "200",
        "sh " + script + "; sleep 60");
    String screen = screenWith("== end");
    String terminal = between(screen, "== terminal", "== pipe");
    assertTrue(!terminal.contains("{") && terminal.contains("home"), terminal);
    for (String[] json : new String[][] {{"== pipe", "== variable"}, {"== variable", "== flag"}}) {
      String part = between(screen, json[0], json[1]);
      assertTrue(part.strip().startsWith("{") && part.contains("\"ok\""), json[0] + ":\n" + part);
    }
    String flag = between(screen, "== flag", "== end");
    assertTrue(flag.strip().startsWith("{"), flag);
  }

  static String between(String text, String from, String to) {
    int a = text.indexOf(from) + from.length();
    return text.substring(a, text.indexOf(to, a));
  }
}
