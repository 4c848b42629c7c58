package dev.agentcli.store;

import dev.agentcli.approval.ApprovalStore;
import dev.agentcli.approval.Ledger;
import dev.agentcli.audit.AuditLog;
import java.util.function.Supplier;

/** The grants and the audit trail of one database, sharing its transactions. */
public final class JdbcLedger implements Ledger {
  private final Database db;
  private final JdbcApprovalStore grants;
  private final JdbcAuditLog audit;

  public JdbcLedger(Database db) {
    this.db = db;
    this.grants = new JdbcApprovalStore(db);
    this.audit = new JdbcAuditLog(db);
  }

  @Override
  public ApprovalStore grants() {
    return grants;
  }

  @Override
  public AuditLog audit() {
    return audit;
  }

  /** One {@code BEGIN IMMEDIATE} transaction: SQLite's write lock is taken before any read. */
  @Override
  public <T> T atomic(Supplier<T> work) {
    return db.inTransaction(c -> work.get());
  }
}
