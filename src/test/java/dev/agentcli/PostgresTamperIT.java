package dev.agentcli;

import static dev.agentcli.CliAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Edits a person holding agentcli's role on the PostgreSQL server can make with psql, the server's
 * counterparts of TamperCorpusIT's: before each, grant A was used and grant C is pending, both
 * signed. After each, A never runs again; a changed schema (a trigger, a rule, row security, a
 * dropped constraint, an unlogged table, a changed column, a shadowing function) refuses every
 * write and so every claim ({@code database_tampered}); a used grant set back to pending is refused
 * as a replay while C still runs.
 */
class PostgresTamperIT {
  @TempDir static Path keys;
  static Path key;

  @TempDir Path home;
  Cli cli;
  TestStore store;
  String manifest;
  String a;
  String c;

  @BeforeAll
  static void keygen() throws Exception {
    key = TestFiles.ed25519(keys, "alice");
  }

  @BeforeEach
  void decide() throws Exception {
    store = TestStore.use(home, PostgresServer.get().newDatabase());
    cli = new Cli(home).at(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    assertThat(cli.run("signers", "add", "alice@example.com", key + ".pub")).succeeds();
    manifest =
        cli.manifest(
            "m.json",
            Cli.oneTask(
                "{\"policy\": \"manual\"}", "sh", "-c", "echo run >> " + home.resolve("ran")));
    a = cli.approveSigned(manifest, "deploy", "alice@example.com", key);
    assertThat(cli.run("exec", manifest, "deploy", "--approval-id", a)).succeeds();
    c = cli.approveSigned(manifest, "deploy", "alice@example.com", key);
    assertEquals(1, runs());
  }

  long runs() throws Exception {
    Path ran = home.resolve("ran");
    return Files.exists(ran) ? Files.readAllLines(ran).size() : 0;
  }

  static Stream<Arguments> schemaEdits() {
    return Stream.of(
        Arguments.of(
            "a planted trigger that makes every grant reusable",
            "CREATE FUNCTION again() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " NEW.consumed_at := NULL; RETURN NEW; END $$;"
                + " CREATE TRIGGER again BEFORE UPDATE ON grants FOR EACH ROW EXECUTE FUNCTION"
                + " again()"),
        Arguments.of(
            "a rule that drops every consumption",
            "CREATE RULE forget AS ON INSERT TO consumptions DO INSTEAD NOTHING"),
        Arguments.of(
            "row security hiding the consumptions from agentcli's own role",
            "ALTER TABLE consumptions ENABLE ROW LEVEL SECURITY; ALTER TABLE consumptions FORCE"
                + " ROW LEVEL SECURITY; CREATE POLICY hide ON consumptions USING (false)"),
        Arguments.of(
            "the unique use constraint dropped",
            "ALTER TABLE consumptions DROP CONSTRAINT consumptions_approval_id_use_key"),
        Arguments.of(
            "the consumptions made unlogged (lost in a crash)",
            "ALTER TABLE consumptions SET UNLOGGED"),
        Arguments.of(
            "a column made nullable",
            "ALTER TABLE consumptions ALTER COLUMN execution_id DROP NOT NULL"),
        Arguments.of(
            "a function shadowing now() for whoever puts public first",
            "CREATE FUNCTION now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT"
                + " '2000-01-01'::timestamptz $$"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaEdits")
  void aChangedSchemaRefusesEveryClaim(String name, String sql) throws Exception {
    store.shell(sql);
    long used = store.count("SELECT count(*) FROM consumptions");
    assertNotEquals(0, cli.run("exec", manifest, "deploy", "--approval-id", a).status());
    Cli.Result r = cli.run("exec", manifest, "deploy");
    assertThat(r).fails(70, "database_tampered");
    assertEquals(1, runs(), name + ": nothing ran");
    assertEquals(used, store.count("SELECT count(*) FROM consumptions"), name);
    assertThat(cli.run("approvals", "list")).succeeds();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dataEdits")
  void aUsedGrantSetBackToPendingIsAReplay(String name, String sql) throws Exception {
    store.shell(sql.replace("{A}", a));
    assertThat(cli.run("exec", manifest, "deploy", "--approval-id", a))
        .fails(77, "approval_tampered");
    assertEquals(1, runs(), name + ": A did not run again");
    Cli.Result ran = cli.run("exec", manifest, "deploy");
    assertThat(ran).succeeds();
    assertEquals(c, ran.json().path("approval_used").path("approval_id").asText());
    assertEquals(2, runs());
  }

  static Stream<Arguments> dataEdits() {
    return Stream.of(
        Arguments.of(
            "its consumption deleted and its state column cleared",
            "DELETE FROM consumptions WHERE approval_id = '{A}';"
                + " UPDATE grants SET consumed_at = NULL WHERE approval_id = '{A}'"));
  }
}
