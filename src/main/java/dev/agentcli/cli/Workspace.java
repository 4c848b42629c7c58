package dev.agentcli.cli;

import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.exec.GatedExec;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.manifest.ManifestLoader;
import dev.agentcli.signing.AllowedSignersFile;
import dev.agentcli.signing.SshKeygenSigner;
import dev.agentcli.store.Database;
import dev.agentcli.store.SqliteApprovalStore;
import dev.agentcli.store.SqliteAuditLog;
import java.util.Optional;

/**
 * Wires one command's services to the database named by the global options. The database is opened
 * on first use, so commands that never need it never touch it.
 */
final class Workspace implements AutoCloseable {
  private final Context ctx;
  private final GlobalOptions options;
  private Database db;

  Workspace(Context ctx, GlobalOptions options) {
    this.ctx = ctx;
    this.options = options;
  }

  ManifestLoader manifests() {
    return new ManifestLoader(ctx.cwd(), options.home(ctx).resolve("manifests"), ctx.stdin());
  }

  /** The services on the database, created if missing. */
  ApprovalService approvals() {
    return approvals(database());
  }

  /**
   * The services on the database only if it exists: for commands that only read, so that a look at
   * an empty home creates nothing.
   */
  Optional<ApprovalService> existingApprovals() {
    return existingDatabase().map(this::approvals);
  }

  Optional<AuditLog> existingAudit() {
    return existingDatabase().map(SqliteAuditLog::new);
  }

  private Optional<Database> existingDatabase() {
    if (db == null) {
      db = Database.openIfExists(options.dbPath(ctx), options.lockTimeout(ctx)).orElse(null);
    }
    return Optional.ofNullable(db);
  }

  /** The audit trail, on the database created if missing. */
  AuditLog audit() {
    return new SqliteAuditLog(database());
  }

  GatedExec gatedExec() {
    return new GatedExec(
        approvals(), new SqliteAuditLog(database()), new TaskRunner(), ctx::random);
  }

  AllowedSignersFile allowedSigners() {
    return new AllowedSignersFile(options.allowedSigners(ctx));
  }

  private ApprovalService approvals(Database database) {
    return new ApprovalService(
        new SqliteApprovalStore(database),
        new SqliteAuditLog(database),
        ctx.clock(),
        ctx::random,
        new GrantVerifier(allowedSigners()::read),
        new SshKeygenSigner(ctx.env()));
  }

  private Database database() {
    if (db == null) {
      db = Database.open(options.dbPath(ctx), options.lockTimeout(ctx));
    }
    return db;
  }

  @Override
  public void close() {
    if (db != null) {
      db.close();
    }
  }
}
