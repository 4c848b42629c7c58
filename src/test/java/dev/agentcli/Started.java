package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How the tests start agentcli, whatever started the build: with the signals a terminal sends at
 * their default dispositions (a build started by {@code nohup ... &} or a CI runner ignores SIGINT
 * and SIGHUP, and an ignored disposition is inherited: agentcli would never see the Ctrl-C a test
 * sends), and never under the host's operator configuration.
 */
public final class Started {
  private Started() {}

  /** A command prefix that resets SIGHUP, SIGINT, SIGQUIT and SIGTERM to their defaults. */
  public static final List<String> DEFAULT_SIGNALS =
      List.of("env", "--default-signal=HUP,INT,QUIT,TERM");

  /** The JVM flag that points agentcli at an operator configuration that does not exist. */
  public static String noOperatorConfig(Path home) {
    return "-Dagentcli.config=" + home.resolve("no-operator-config.json");
  }

  /**
   * For the tests that run the launcher, which reads {@code /etc/agentcli/config.json} as an
   * operator's deployment does: on a machine that has one they would run under it, so they refuse
   * to run at all.
   */
  public static void requireNoHostOperatorConfig() {
    assertFalse(
        Files.exists(Path.of("/etc/agentcli/config.json")),
        "this machine has an operator configuration (/etc/agentcli/config.json): the tests that"
            + " run bin/agentcli would run under it; move it away to run them");
  }

  /**
   * Waits until {@code p} has used no CPU time for 300 ms (up to a minute): started and now waiting
   * (a poll loop's pause, a read), which a fixed pause cannot tell on a loaded machine.
   */
  public static void awaitIdle(Process p) throws IOException, InterruptedException {
    Path stat = Path.of("/proc", String.valueOf(p.pid()), "stat");
    long last = -1;
    for (int i = 0, still = 0; i < 600 && still < 3 && p.isAlive(); i++) {
      Thread.sleep(100);
      String s = Files.readString(stat);
      // After the command name's ")": state is field 3, utime and stime are fields 14 and 15.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      still = ticks == last ? still + 1 : 0;
      last = ticks;
    }
  }

  /**
   * Polls every 50 ms (a hang guard, never a timing assertion) until {@code condition} holds, for
   * {@code bound} at most; then asserts it, saying {@code what}.
   */
  public static void eventually(Duration bound, BooleanSupplier condition, String what)
      throws InterruptedException {
    for (long i = 0; i < bound.toMillis() / 50 && !condition.getAsBoolean(); i++) {
      Thread.sleep(50);
    }
    assertTrue(condition.getAsBoolean(), what);
  }
}
