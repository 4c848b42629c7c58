package dev.agentcli.app;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.Cli;
import dev.agentcli.TestClock;
import dev.agentcli.manifest.Manifest;
import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.RequestStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wait on its own ({@code request/Waiting}), in process on the test's clock: when the reminder
 * that a deadline is near comes (the README's "a fifth of the time to decide before the deadline,
 * at most 5 minutes before", once), and that a waiting agent reads its request again only when
 * another connection changed the database.
 */
@Timeout(60) // a wait whose time stood still would loop: fail instead of hanging
class WaitTest {
  @TempDir Path home;
  Cli person;
  Consumer<Integer> onPause = n -> {};

  /** The reminders and the reads of a wait, each with the test clock's time. */
  record Seen(RequestService.State end, List<Instant> reminders, List<Instant> reads) {}

  Seen wait(int requestTimeoutS, Duration patience) {
    person = new Cli(home);
    String manifest =
        person.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\", \"request_timeout_s\": " + requestTimeoutS + "}",
                "true"));
    int[] pauses = {0};
    Context ctx = person.context(() -> onPause.accept(++pauses[0]));
    try (Services services = new Services(ctx, new Settings(ctx, Settings.Flags.NONE))) {
      Manifest m = services.manifests().load(manifest);
      Task task = m.task(Optional.empty(), "deploy");
      TaskBinding binding =
          TaskBinding.of(task, m.baseDir(), services.inheritedEnv(), services.fileDigests());
      RequestService.Filed filed =
          GatedRun.file(services, task, binding, "to test", Caller.as("agent", ctx));
      List<Instant> reminders = new ArrayList<>();
      List<Instant> reads = new ArrayList<>();
      RequestService.State end =
          services
              .waiting()
              .await(
                  filed.request().requestId(),
                  patience,
                  s -> reminders.add(person.now()),
                  s -> reads.add(person.now()));
      return new Seen(end, reminders, reads);
    }
  }

  static Duration since(Instant t) {
    return Duration.between(TestClock.T0, t);
  }

  @Test
  void theReminderComesOnceAFifthOfTheTimeToDecideBeforeTheDeadline() {
    Seen s = wait(60, Duration.ofMinutes(10));
    assertEquals(RequestStatus.EXPIRED, s.end().status());
    assertEquals(1, s.reminders().size(), s.toString());
    // Due 12 s before the 60 s deadline; seen at the first look at or after it (a poll is 200 ms).
    Duration at = since(s.reminders().get(0));
    assertTrue(at.compareTo(Duration.ofSeconds(48)) >= 0, "reminded at " + at);
    assertTrue(at.compareTo(Duration.ofMillis(48_200)) <= 0, "reminded at " + at);
  }

  @Test
  void aLongDeadlineIsRemindedFiveMinutesBeforeItAtTheEarliest() {
    Seen s = wait(3600, Duration.ofMinutes(56));
    assertEquals(RequestStatus.PENDING, s.end().status(), "the agent's patience ended first");
    assertEquals(1, s.reminders().size(), s.toString());
    Duration at = since(s.reminders().get(0));
    assertTrue(at.compareTo(Duration.ofMinutes(55)) >= 0, "reminded at " + at);
    assertTrue(at.compareTo(Duration.ofMinutes(55).plusMillis(200)) <= 0, "at " + at);
  }

  @Test
  void theRequestIsReadAgainOnlyWhenAnotherConnectionChangedTheDatabase() {
    // After 50 pauses (10 s) another connection writes: the person files a request of their own.
    onPause =
        n -> {
          if (n == 50) {
            assertThat(
                    person.run(
                        "request",
                        person.manifest(
                            "other.json", Cli.oneTask("{\"policy\": \"manual\"}", "false")),
                        "deploy"))
                .succeeds();
          }
        };
    Seen s = wait(600, Duration.ofSeconds(30));
    assertEquals(RequestStatus.PENDING, s.end().status());
    assertEquals(2, s.reads().size(), "read once, and once after the write: " + s.reads());
    assertEquals(Duration.ZERO, since(s.reads().get(0)));
    Duration second = since(s.reads().get(1));
    assertEquals(Duration.ofSeconds(10), second, "read at the first look after the write");
  }
}
