package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ad-hoc commands through the gate, in separate processes: asked, approved, raced. */
class RunIT {
  @TempDir Path home;
  @TempDir Path work;
  Cli cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(home);
    Files.writeString(
        home.resolve("rules.json"),
        """
        {"rules": [{"match": "touch *", "decision": "ask",
                    "approval": {"signature": "optional", "max_uses": 1}}]}
        """);
  }

  Cli.Result approve(String requestId) {
    Cli.Result r =
        cli.at(java.time.Instant.now())
            .run("approve", requestId, "--by", "ops", "--signer", "none");
    assertThat(r).succeeds();
    return r;
  }

  @Test
  void aWaitingAdHocCommandRunsOnceAPersonApprovesItsRequest() throws Exception {
    Path made = work.resolve("made");
    Process agent =
        Jvm.agentcli(
            home, "run", "--wait", "2m", "--reason", "make a file", "--", "touch", made.toString());
    String id = cli.onlyPendingRequest();
    Cli.Result shown = cli.run("requests", "show", id);
    assertEquals(
        "touch",
        shown.json().path("request").path("command").path("program").asText(),
        shown.out());
    approve(id);
    Jvm.Done ran = Jvm.await(agent);
    assertThat(ran).succeeds();
    assertEquals(id, ran.asResult().json().path("request_id").asText());
    assertEquals(true, Files.exists(made));
  }

  @Test
  void sixteenRacingProcessesAndOneGrantGiveExactlyOneRun() throws Exception {
    Path log = work.resolve("ran");
    // A generous lock timeout: on a loaded machine sixteen JVMs may queue for the write lock longer
    // than the default 5 s, and a 75 (retry) is not what this test is about.
    String[] command = {"run", "--lock-timeout-ms", "60000", "--", "touch", log.toString()};
    Jvm.Done asked = Jvm.run(home, "run", "--wait", "1s", "--", "touch", log.toString());
    assertThat(asked).fails(75, "approval_timed_out");
    approve(cli.onlyPendingRequest());
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      started.add(Jvm.agentcli(home, command));
    }
    int ran = 0;
    for (Process p : started) {
      Jvm.Done d = Jvm.await(p);
      if (d.status() == 0) {
        ran++;
      } else {
        assertThat(d).fails(77, "approval_required");
      }
    }
    assertEquals(1, ran);
    assertEquals(1, cli.count("SELECT count(*) FROM consumptions"));
    assertEquals(
        1, cli.count("SELECT count(*) FROM audit_events WHERE event_type = 'exec_finished'"));
  }
}
