package dev.agentcli.store;

import dev.agentcli.approval.ClaimRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Test helper run as its own JVM: starts a real claim of the only grant in the database and hangs
 * inside its transaction (the claim reads the clock after taking the write lock), so that a test
 * can kill it with SIGKILL there.
 */
public final class ClaimAndHang {
  private ClaimAndHang() {}

  public static void main(String[] args) throws Exception {
    Database db = Database.open(Path.of(args[0]), Duration.ofSeconds(5));
    String[] task = new String[3];
    db.read(
        c -> {
          try (var rs =
              c.createStatement()
                  .executeQuery("SELECT workflow_id, task_id, task_hash FROM grants LIMIT 1")) {
            rs.next();
            task[0] = rs.getString(1);
            task[1] = rs.getString(2);
            task[2] = rs.getString(3);
          }
          return null;
        });
    Clock hanging =
        new Clock() {
          @Override
          public Instant instant() {
            System.out.println("in-transaction");
            System.out.flush();
            try {
              Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return Instant.now();
          }

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }
        };
    new SqliteApprovalStore(db)
        .claim(
            new ClaimRequest(task[0], task[1], task[2], Optional.empty(), "victim"),
            hanging,
            grant -> new dev.agentcli.approval.Verdict(true, "helper", null, null));
  }
}
