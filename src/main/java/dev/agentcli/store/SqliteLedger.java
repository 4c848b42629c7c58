package dev.agentcli.store;

import dev.agentcli.approval.ApprovalStore;
import dev.agentcli.approval.Ledger;
import dev.agentcli.audit.AuditLog;
import java.util.function.Supplier;

/** The grants and the audit trail of one SQLite database, sharing its transactions. */
public final class SqliteLedger implements Ledger {
  private final Database db;
  private final SqliteApprovalStore grants;
  private final SqliteAuditLog audit;

  public SqliteLedger(Database db) {
    this.db = db;
    this.grants = new SqliteApprovalStore(db);
    this.audit = new SqliteAuditLog(db);
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
