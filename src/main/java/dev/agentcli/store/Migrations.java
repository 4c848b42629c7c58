package dev.agentcli.store;

import java.io.PrintStream;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogFactory;
import org.sqlite.SQLiteDataSource;

/**
 * Runs the Flyway migrations packaged as {@code classpath:db/migration/sqlite}, or {@code
 * db/migration/postgresql} for a PostgreSQL store.
 */
final class Migrations {
  private Migrations() {}

  static void migrate(Path file) {
    migrate(file, "latest");
  }

  /** Migrates up to schema {@code target} ("latest" for all): for tests of each version. */
  static void migrate(Path file, String target) {
    // Flyway logs its progress to stdout by default, which would corrupt JSON output: keep only
    // its warnings and errors, on stderr.
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + file);
    run(
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration/sqlite")
            .javaMigrations(AuditGenesisMigration.sqlite())
            .target(target));
  }

  /**
   * Migrates a PostgreSQL store on {@code connection}'s server, every pending migration in one
   * transaction: a store is at a version entirely or not at all.
   */
  static void migrate(DataSource dataSource) {
    run(
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration/postgresql")
            .javaMigrations(AuditGenesisMigration.postgresql())
            .group(true));
  }

  private static void run(FluentConfiguration configuration) {
    Flyway flyway = configuration.failOnMissingLocations(true).load();
    // Set after load(): loading a configuration resets Flyway's logger choice.
    LogFactory.setLogCreator(type -> new StderrWarnings(System.err));
    flyway.migrate();
  }

  private static final class StderrWarnings implements Log {
    private final PrintStream err;

    StderrWarnings(PrintStream err) {
      this.err = err;
    }

    @Override
    public void debug(String message) {}

    @Override
    public void info(String message) {}

    @Override
    public void notice(String message) {}

    @Override
    public void warn(String message) {
      err.println("agentcli: flyway: " + message);
    }

    @Override
    public void error(String message) {
      err.println("agentcli: flyway: " + message);
    }

    @Override
    public void error(String message, Exception e) {
      err.println("agentcli: flyway: " + message + ": " + e);
    }
  }
}
