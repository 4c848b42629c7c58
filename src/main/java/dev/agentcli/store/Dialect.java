package dev.agentcli.store;

import dev.agentcli.error.AgentCliException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * What differs between the two databases agentcli keeps its state in, as Flyway separates its
 * database support: how a write transaction takes the one writer's lock, how the schema is read,
 * checked and migrated, what an error means, and the few SQL words that differ. Everything else,
 * every store's SQL and the claim, is one JDBC code path over {@link Database}.
 */
sealed interface Dialect permits SqliteDialect, PostgresDialect {
  /** The store as messages name it: the SQLite file, or the PostgreSQL URL (it holds no secret). */
  String name();

  /** Begins a write transaction that holds the writers' lock before anything is read. */
  void begin(Statement s, Duration lockTimeout) throws SQLException;

  /** A query whose one number changes whenever another connection commits. */
  String dataVersionSql();

  /** The version marker's value; 0 when agentcli's tables are not there yet. */
  int schemaVersion(Connection c) throws SQLException;

  /** How the schema at {@code version} differs from what the migrations create. */
  List<String> differences(Connection c, int version) throws SQLException;

  /**
   * Brings a schema that is behind to {@link Database#SCHEMA_VERSION}, one migrating process at a
   * time; returns how the result differs from what the migrations create (not empty: a database
   * edited at an older version, left unmigrated because its migrations would run planted triggers).
   */
  List<String> migrate(Connection c) throws SQLException;

  /** What {@code e} means to agentcli's callers: a lock not had in time, a full disk, and so on. */
  AgentCliException translate(SQLException e);

  /** The grants table as the claim's search reads it (SQLite is told which index to use). */
  String claimableGrants();

  /**
   * What orders two grants of the same millisecond for the claim (a column of the alias {@code g}).
   */
  String claimTieBreak();

  /**
   * The term that matches an id column against the parameter {@code ?1}. SQLite's columns take any
   * type: an id planted as a BLOB of the same bytes must match too, or it would hide a use.
   */
  String idMatches();
}
