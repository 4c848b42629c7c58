package dev.agentcli.approval;

import dev.agentcli.audit.AuditLog;
import java.util.function.Supplier;

/**
 * The grants and the audit trail of one database, and the transaction they share: what both write
 * inside one {@link #atomic} call commits together or not at all. The caller owns the transaction
 * (as with sqlite-utils' {@code Database.atomic()}); the store and the trail only join it.
 */
public interface Ledger {
  ApprovalStore grants();

  AuditLog audit();

  /**
   * Runs {@code work} in one transaction that holds the write lock from its start, so that nothing
   * it reads is stale when it writes; commits when {@code work} returns, rolls back when it throws.
   * Called inside another {@code atomic}, it joins that one.
   */
  <T> T atomic(Supplier<T> work);

  /** {@link #atomic(Supplier)} for work without a result. */
  default void atomic(Runnable work) {
    atomic(
        () -> {
          work.run();
          return null;
        });
  }
}
