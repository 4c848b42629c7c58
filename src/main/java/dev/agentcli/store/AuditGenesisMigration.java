package dev.agentcli.store;

import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Schema 4: the audit chain's genesis. It appends one {@code audit_genesis} event that records how
 * many events before it carry no hashes (written before the chain existed, schema 1): from the
 * genesis on, an event without hashes is a broken link, and a trail without its genesis is not
 * intact. A Java migration because the event's hash is SHA-256 over canonical JSON, which SQL
 * cannot compute.
 */
final class AuditGenesisMigration implements JavaMigration {
  static final int VERSION = 4;

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion(String.valueOf(VERSION));
  }

  @Override
  public String getDescription() {
    return "audit genesis";
  }

  @Override
  public Integer getChecksum() {
    return VERSION;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    long unchained;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM audit_events WHERE event_hash IS NULL AND prev_hash IS NULL")) {
      unchained = rs.next() ? rs.getLong(1) : 0;
    }
    SqliteAuditLog.append(
        c,
        AuditEvent.builder(EventType.AUDIT_GENESIS, Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .detail("schema_version", VERSION)
            .detail("unchained_before", unchained)
            .build());
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + VERSION);
    }
  }
}
