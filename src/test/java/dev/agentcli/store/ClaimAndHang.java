package dev.agentcli.store;

import dev.agentcli.TestClock;
import dev.agentcli.TestStore;
import dev.agentcli.app.Context;
import dev.agentcli.cli.AgentCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Test helper run as its own JVM: runs {@code agentcli claim <manifest> <task>} on {@code
 * <database>} (a SQLite file or a PostgreSQL URL, the store the environment names) with a clock
 * that hangs the first time it is read while the database's write lock is held (inside the claim's
 * transaction), so that a test can kill the process there with SIGKILL.
 */
public final class ClaimAndHang {
  private ClaimAndHang() {}

  public static void main(String[] args) {
    String database = args[2];
    TestClock hanging =
        TestClock.reading(
            () -> {
              if (!writeLocked(database)) {
                return Instant.now();
              }
              System.out.println("in-transaction");
              System.out.flush();
              try {
                Thread.sleep(Long.MAX_VALUE);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Instant.now();
            });
    Context ctx =
        new Context(
            System.getenv(),
            hanging,
            Path.of("").toAbsolutePath(),
            new ByteArrayInputStream(new byte[0]),
            SecureRandom::new,
            Path.of(args[0] + ".no-operator-config"),
            System.out,
            System.err);
    PrintWriter err = new PrintWriter(System.err, true);
    AgentCli.execute(ctx, new PrintWriter(System.out, true), err, "claim", args[0], args[1]);
  }

  /** Whether another connection holds the write lock of {@code database} right now. */
  static boolean writeLocked(String database) {
    try {
      return TestStore.named(database).writeLocked();
    } catch (SQLException e) {
      return true;
    }
  }
}
