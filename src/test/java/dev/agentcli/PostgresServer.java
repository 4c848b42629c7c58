package dev.agentcli;

import dev.agentcli.store.Database;
import dev.agentcli.store.PostgresUrl;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for the tests: Debian's binaries (/usr/lib/postgresql/N/bin, installed
 * by .ci/run), a throw-away cluster started once per test JVM (as the {@code postgres} OS user when
 * the tests run as root, which the server refuses to run as), on a free TCP port, with passwords
 * required over TCP and clients let in from 127.0.0.1 and the simulated hosts' 10.77.0.0/16 only.
 * Each test gets a database of its own, owned by the role agentcli uses. Stopped and removed when
 * the JVM exits.
 */
public final class PostgresServer {
  /** The role agentcli connects as, and its password (given to agentcli in PGPASSWORD). */
  public static final String ROLE = "agentcli";

  public static final String PASSWORD = "agentcli-test-password";

  private static final String SUPERUSER_PASSWORD = "superuser-test-password";
  private static PostgresServer running;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final AtomicInteger databases = new AtomicInteger();
  private static final String TEMPLATE = "agentcli_migrated";
  private boolean templateMade;

  private PostgresServer(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** The server of this JVM, started on first use. */
  public static synchronized PostgresServer get() {
    if (running == null) {
      running = start();
      Runtime.getRuntime().addShutdownHook(new Thread(running::destroy));
    }
    return running;
  }

  public int port() {
    return port;
  }

  /**
   * A new database holding agentcli's current schema and nothing else; its URL as agentcli takes
   * it. A copy of one migrated template: the migrations take a second or more per database, which
   * the suites would otherwise spend hundreds of times. Tests of the migration itself take {@link
   * #newEmptyDatabase}.
   */
  public synchronized String newDatabase() {
    if (!templateMade) {
      String template = newEmptyDatabase();
      Database.open(PostgresUrl.parse(template, ROLE), PASSWORD, Duration.ofSeconds(30)).close();
      admin(
          "ALTER DATABASE "
              + template.substring(template.lastIndexOf('/') + 1)
              + " RENAME TO "
              + TEMPLATE);
      templateMade = true;
    }
    return create("TEMPLATE " + TEMPLATE);
  }

  /** A new, empty database: agentcli creates its schema on first use; its URL. */
  public String newEmptyDatabase() {
    return create("");
  }

  private String create(String from) {
    String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    admin("CREATE DATABASE " + name + " OWNER " + ROLE + " " + from);
    return "postgresql://" + ROLE + "@127.0.0.1:" + port + "/" + name;
  }

  /**
   * A JDBC connection to {@code url}'s database (one {@link #newDatabase} gave, in any JVM) as
   * agentcli's role.
   */
  public static Connection connect(String url) throws SQLException {
    java.net.URI at = java.net.URI.create(url);
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {at.getHost()});
    source.setPortNumbers(new int[] {at.getPort()});
    source.setDatabaseName(at.getPath().substring(1));
    source.setUser(ROLE);
    source.setPassword(PASSWORD);
    return source.getConnection();
  }

  private void admin(String sql) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {"127.0.0.1"});
    source.setPortNumbers(new int[] {port});
    source.setDatabaseName("postgres");
    source.setUser("postgres");
    source.setPassword(SUPERUSER_PASSWORD);
    try (Connection c = source.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static PostgresServer start() {
    Path bin = binaries();
    try {
      Path dir = Files.createTempDirectory("agentcli-pg-");
      Path data = dir.resolve("data");
      Path pw = dir.resolve("pw");
      Files.writeString(pw, SUPERUSER_PASSWORD + "\n");
      if (ROOT) {
        run("chown", "-R", "postgres:postgres", dir.toString());
      }
      asPostgres(
          bin.resolve("initdb").toString(),
          "-D",
          data.toString(),
          "-U",
          "postgres",
          "--pwfile=" + pw,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "-E",
          "UTF8",
          "--locale=C.UTF-8");
      // The simulated hosts' network namespaces (MultiHostIT) reach it from 10.77.0.0/16.
      Files.writeString(
          data.resolve("pg_hba.conf"),
          "host all all 10.77.0.0/16 scram-sha-256\n",
          java.nio.file.StandardOpenOption.APPEND);
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      PostgresServer server = new PostgresServer(bin, dir, port);
      server.startAgain();
      server.admin("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start PostgreSQL: " + e, e);
    }
  }

  /** Starts the stopped server again, on the same port, with the same data. */
  public void startAgain() {
    asPostgres(
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=* -c max_connections=300",
        "start");
  }

  /**
   * Stops the server as a crash would: {@code pg_ctl stop -m immediate}, no shutdown checkpoint.
   */
  public void stopImmediately() {
    asPostgres(
        bin.resolve("pg_ctl").toString(),
        "-D",
        dir.resolve("data").toString(),
        "-m",
        "immediate",
        "-w",
        "stop");
  }

  private void destroy() {
    try {
      stopImmediately();
    } catch (RuntimeException e) {
      // Stopped already.
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Left in the temporary folder.
    }
  }

  /** The newest PostgreSQL server binaries Debian's packages installed. */
  private static Path binaries() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString())))
          .orElseThrow();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql package"
              + " (.ci/run does)",
          e);
    }
  }

  private static final boolean ROOT = System.getProperty("user.name").equals("root");

  /** As the postgres OS user when the tests run as root (the server refuses root), else as is. */
  private static void asPostgres(String... command) {
    List<String> argv =
        new ArrayList<>(ROOT ? List.of("runuser", "-u", "postgres", "--") : List.of());
    argv.addAll(List.of(command));
    run(argv.toArray(String[]::new));
  }

  private static void run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
