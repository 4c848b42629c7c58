package dev.agentcli.bench;

import dev.agentcli.audit.AuditChain;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.AuditQuery;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcAuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The cost of writing one chained audit event (its own durable transaction, as exec writes them)
 * against a baseline of the same durable transaction without the chain (a plain INSERT), and the
 * time `audit verify` takes over N events. Run by bench/audit.sh.
 */
public final class AuditBench {
  private AuditBench() {}

  public static void main(String[] args) throws Exception {
    int writes = Integer.parseInt(args.length > 0 ? args[0] : "2000");
    int events = Integer.parseInt(args.length > 1 ? args[1] : "100000");
    Path file = Files.createTempDirectory("agentcli-audit-bench").resolve("agentcli.db");
    try (Database db = Database.open(file, Duration.ofSeconds(30))) {
      JdbcAuditLog log = new JdbcAuditLog(db);
      AuditEvent event =
          AuditEvent.builder(dev.agentcli.audit.EventType.EXEC_FINISHED, Instant.now())
              .task("wf", "task", "sha256:" + "ab".repeat(32))
              .approvalId("0123456789abcdef0123456789abcdef")
              .executionId("fedcba9876543210fedcba9876543210")
              .detail("exit_code", 0)
              .detail("duration_ms", 12)
              .build();
      for (int i = 0; i < 200; i++) { // warm-up
        log.append(event);
        plainInsert(db);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < writes; i++) {
        plainInsert(db);
      }
      double plain = (System.nanoTime() - t0) / 1000.0 / writes;
      t0 = System.nanoTime();
      for (int i = 0; i < writes; i++) {
        log.append(event);
      }
      double chained = (System.nanoTime() - t0) / 1000.0 / writes;
      System.out.printf(
          "java %s, WAL + synchronous=FULL, %d writes each%n",
          System.getProperty("java.version"), writes);
      System.out.printf("one durable INSERT, no chain (baseline): %8.1f us%n", plain);
      System.out.printf(
          "one chained audit event:                 %8.1f us   (%.2f x baseline)%n",
          chained, chained / plain);

      db.inTransaction(c -> c.createStatement().executeUpdate("DELETE FROM audit_events"));
      db.inTransaction(
          c -> {
            for (int i = 0; i < events; i++) {
              log.append(event); // one transaction: fast to fill
            }
            return null;
          });
      AuditChain.Verifier verifier = new AuditChain.Verifier();
      t0 = System.nanoTime();
      log.forEach(AuditQuery.all(), verifier::accept);
      AuditChain.Check check = verifier.result();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "audit verify over %d events: %.2f s (%s), %.1f us per event%n",
          check.events(),
          seconds,
          check.intact() ? "intact" : "BROKEN",
          seconds * 1e6 / check.events());
    }
  }

  private static void plainInsert(Database db) {
    db.inTransaction(
        c ->
            c.createStatement()
                .executeUpdate(
                    "INSERT INTO audit_events (occurred_at, event_type, outcome, details) VALUES"
                        + " ('2026-11-26T12:00:00.000Z', 'plain', 'ok', '{}')"));
  }
}
