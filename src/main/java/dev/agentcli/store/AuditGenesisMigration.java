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

  private final String version;
  private final int schemaVersion;
  private final String marker;

  private AuditGenesisMigration(String version, int schemaVersion, String marker) {
    this.version = version;
    this.schemaVersion = schemaVersion;
    this.marker = marker;
  }

  /** SQLite's schema 4, between the chain's columns (2) and the requests (5). */
  static AuditGenesisMigration sqlite() {
    return new AuditGenesisMigration(
        String.valueOf(VERSION), VERSION, "PRAGMA user_version = " + VERSION);
  }

  /**
   * PostgreSQL's first schema is SQLite's 7 at once: its genesis comes right after (7.1) and sets
   * the version marker, so that a store at 7 has its genesis.
   */
  static AuditGenesisMigration postgresql() {
    return new AuditGenesisMigration(
        "7.1",
        Database.SCHEMA_VERSION,
        "UPDATE agentcli_schema SET version = " + Database.SCHEMA_VERSION);
  }

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion(version);
  }

  @Override
  public String getDescription() {
    return "audit genesis";
  }

  @Override
  public Integer getChecksum() {
    return schemaVersion;
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
    JdbcAuditLog.append(
        c,
        AuditEvent.builder(EventType.AUDIT_GENESIS, Instant.now().truncatedTo(ChronoUnit.MILLIS))
            .detail("schema_version", schemaVersion)
            .detail("unchained_before", unchained)
            .build());
    try (Statement s = c.createStatement()) {
      s.execute(marker);
    }
  }
}
