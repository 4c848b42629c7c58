package dev.agentcli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The privilege-separated deployment of the README, set up for real: four OS users (the service
 * user that owns the state, the task user that tasks run as, a person who approves, the agent),
 * root-owned configuration, trust store, manifests and program, a sudo rule that lets the agent run
 * only {@code agentcli exec}, and one that lets the service user run {@code env} as the task user.
 * The agent runs a task only with the person's grant, and every way around the gate that works for
 * a same-user agent fails for it. (The tests run as root, as CI does.)
 */
class PrivilegeSeparationIT {
  static final String SERVICE = "acsvc";
  static final String PERSON = "acalice";
  static final String AGENT = "acagent";
  static final String TASK = "actask";
  static final Path SUDOERS = Path.of("/etc/sudoers.d/agentcli-it");

  static Path root;
  static Path wrapper;
  static Path aliceKey;

  record Run(int status, String out, String err) {
    JsonNode error() throws Exception {
      return new ObjectMapper().readTree(err.lines().reduce((a, b) -> b).orElse("{}"));
    }

    @Override
    public String toString() {
      return "status " + status + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  static Run sh(String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/"));
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("LANG", "C.UTF-8");
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "hung: " + String.join(" ", cmd));
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static Run ok(String... cmd) throws Exception {
    Run r = sh(cmd);
    assertEquals(0, r.status(), String.join(" ", cmd) + "\n" + r);
    return r;
  }

  /** Runs {@code cmd} as {@code user}, from a shell with a plain environment. */
  static Run as(String user, String... cmd) throws Exception {
    List<String> all = new ArrayList<>(List.of("runuser", "-u", user, "--"));
    all.addAll(List.of(cmd));
    return sh(all.toArray(String[]::new));
  }

  /** The agent calls agentcli the only way its sudo rule allows: as the service user. */
  static Run agentExec(String... args) throws Exception {
    List<String> all =
        new ArrayList<>(List.of("sudo", "-n", "-u", SERVICE, wrapper.toString(), "exec"));
    all.addAll(List.of(args));
    return as(AGENT, all.toArray(String[]::new));
  }

  static void user(String name, String... extra) throws Exception {
    if (sh("id", "-u", name).status() != 0) {
      List<String> cmd = new ArrayList<>(List.of("useradd", "-M", "-s", "/bin/sh"));
      cmd.addAll(List.of(extra));
      cmd.add(name);
      ok(cmd.toArray(String[]::new));
    }
  }

  static void write(Path file, String text, String mode) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }

  @BeforeAll
  static void deploy() throws Exception {
    assertEquals(0, sh("id", "-u").out().trim().compareTo("0"), "these tests run as root");
    user(SERVICE, "-U");
    user(PERSON, "-G", SERVICE);
    user(AGENT);
    user(TASK);
    root = Files.createTempDirectory("agentcli-privsep-");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

    // The program, root-owned: agentcli's classes and libraries, and the operator's wrapper.
    Path lib = Files.createDirectories(root.resolve("opt/lib"));
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      if (p.toString().contains("test-classes")) {
        continue;
      }
      Path copy = lib.resolve(classPath.size() + "-" + p.getFileName());
      TestFiles.copyTree(p, copy);
      classPath.add(copy.toString());
    }
    ok("chmod", "-R", "a+rX", root.resolve("opt").toString());
    Path config = root.resolve("etc/config.json");
    wrapper = root.resolve("opt/agentcli");
    write(
        wrapper,
        "#!/bin/sh\nexec "
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dagentcli.config="
            + config
            + " -cp "
            + String.join(":", classPath)
            + " dev.agentcli.Main \"$@\"\n",
        "rwxr-xr-x");

    // The operator's files, root-owned and read-only for everyone else.
    Path manifests = Files.createDirectories(root.resolve("etc/manifests"));
    Path out = Files.createDirectories(root.resolve("out"));
    ok("chown", TASK, out.toString());
    Path deploy = root.resolve("opt/deploy.sh");
    write(deploy, "#!/bin/sh\nid -un >> " + out.resolve("ran") + "\n", "rwxr-xr-x");
    write(
        manifests.resolve("release.json"),
        "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"release\", \"tasks\": [{\"id\":"
            + " \"deploy\", \"shell\": {\"program\": \""
            + deploy
            + "\"}, \"approval\": {\"policy\": \"manual\", \"approver_scope\":"
            + " \"domain:example.com\", \"timeout_s\": 900}}]}]}",
        "rw-r--r--");
    // The agent's own test script, run by an auto-approve task (the usual reason to let an agent
    // run a task at all); and a task whose background child outlives it.
    Path agentScript = root.resolve("agent/test.sh");
    write(
        manifests.resolve("ci.json"),
        "{\"version\": \"0.2\", \"workflows\": [{\"id\": \"ci\", \"tasks\": [{\"id\":"
            + " \"test\", \"shell\": {\"program\": \"/bin/sh\", \"args\": [\""
            + agentScript
            + "\"]}, \"approval\": {\"policy\": \"auto-approve\"}}, {\"id\": \"slow\","
            + " \"shell\": {\"program\": \"/bin/sh\", \"args\": [\"-c\", \"sleep 297 &"
            + " wait\"]}, \"runtime\": {\"timeout_ms\": 1500}, \"approval\": {\"policy\":"
            + " \"auto-approve\"}}]}]}",
        "rw-r--r--");
    Path state = Files.createDirectories(root.resolve("state"));
    Path db = state.resolve("agentcli.db");
    ok("chown", SERVICE + ":" + SERVICE, state.toString());
    ok("chmod", "2770", state.toString());
    ok("install", "-o", SERVICE, "-g", SERVICE, "-m", "0660", "/dev/null", db.toString());
    write(
        config,
        "{\"database\": \""
            + db
            + "\", \"allowed_signers\": \""
            + root.resolve("etc/allowed_signers")
            + "\", \"manifests\": \""
            + manifests
            + "\", \"task_user\": \""
            + TASK
            + "\"}",
        "rw-r--r--");

    // The person's key, in a folder only she can read; the operator trusts its public half.
    Path home = Files.createDirectories(root.resolve("alice"));
    ok("chown", PERSON, home.toString());
    ok("chmod", "0700", home.toString());
    aliceKey = home.resolve("id_ed25519");
    as(PERSON, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", aliceKey.toString());
    String pub = Files.readString(Path.of(aliceKey + ".pub")).trim();
    write(
        root.resolve("etc/allowed_signers"),
        "alice@example.com namespaces=\"agentcli\" " + pub + "\n",
        "rw-r--r--");
    Files.createDirectories(root.resolve("agent"));
    ok("chown", AGENT, root.resolve("agent").toString());

    // The agent may run agentcli exec as the service user, and nothing else.
    Path rule = Files.createTempFile("sudoers", "");
    Files.writeString(
        rule,
        AGENT
            + " ALL=("
            + SERVICE
            + ") NOPASSWD: "
            + wrapper
            + " exec *\n"
            + SERVICE
            + " ALL=("
            + TASK
            + ") NOPASSWD: /usr/bin/env\n");
    ok("visudo", "-cf", rule.toString());
    ok("install", "-m", "0440", rule.toString(), SUDOERS.toString());
    Files.delete(rule);

    // The service user creates the schema.
    ok("runuser", "-u", SERVICE, "--", wrapper.toString(), "approvals", "list");
  }

  @AfterAll
  static void undeploy() throws Exception {
    Files.deleteIfExists(SUDOERS);
    if (root != null) {
      sh("rm", "-rf", root.toString());
    }
  }

  String ran() throws Exception {
    Path f = root.resolve("out/ran");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  @Test
  void theAgentRunsATaskOnlyWithAPersonsGrantAndEveryBypassFails() throws Exception {
    Run refused = agentExec("release", "deploy");
    assertEquals(77, refused.status(), refused.toString());
    assertEquals("approval_required", refused.error().path("code").asText());
    assertEquals("", ran());

    // The person approves with her own key, as herself (a member of the service group).
    Run approved =
        as(
            PERSON,
            wrapper.toString(),
            "approve",
            "release",
            "deploy",
            "--by",
            "alice@example.com",
            "--reason",
            "release 1.2.3",
            "--signing-key",
            aliceKey.toString());
    assertEquals(0, approved.status(), approved.toString());

    Run ran = agentExec("release", "deploy");
    assertEquals(0, ran.status(), ran.toString());
    assertEquals(TASK + "\n", ran(), "the task ran once, as the task user");
    Run replay = agentExec("release", "deploy");
    assertEquals(77, replay.status(), replay.toString());
    assertEquals(TASK + "\n", ran());

    Path mine = root.resolve("agent");
    // 3, 4. Its own home, database, trust store or manifest: refused, and audited.
    Path evil = mine.resolve("evil.json");
    Files.writeString(
        evil,
        Cli.oneTask("{\"policy\": \"auto-approve\"}", root.resolve("opt/deploy.sh").toString()));
    for (String[] attempt :
        List.of(
            new String[] {"release", "deploy", "--home", mine.toString()},
            new String[] {"release", "deploy", "--db", mine.resolve("x.db").toString()},
            new String[] {evil.toString(), "deploy"},
            new String[] {"./release", "deploy"},
            // --result-file would make the service user write a file of the agent's choosing.
            new String[] {
              "release", "deploy", "--result-file", root.resolve("state/agentcli.db").toString()
            })) {
      Run r = agentExec(attempt);
      assertEquals(77, r.status(), String.join(" ", attempt) + "\n" + r);
      assertEquals("config_override_refused", r.error().path("code").asText(), r.toString());
    }
    Run unsigned = agentExec("release", "deploy", "--allow-unsigned");
    assertEquals(2, unsigned.status(), unsigned.toString());
    Run withEnv =
        as(
            AGENT,
            "sudo",
            "-n",
            "-u",
            SERVICE,
            "AGENTCLI_ALLOWED_SIGNERS=" + mine.resolve("signers"),
            wrapper.toString(),
            "exec",
            "release",
            "deploy");
    assertNotEquals(0, withEnv.status(), "sudo does not let the agent set variables: " + withEnv);
    Run approveViaSudo =
        as(
            AGENT,
            "sudo",
            "-n",
            "-u",
            SERVICE,
            wrapper.toString(),
            "approve",
            "release",
            "deploy",
            "--by",
            "alice@example.com",
            "--signer",
            "none");
    assertNotEquals(0, approveViaSudo.status(), "sudo allows exec only: " + approveViaSudo);

    // 2, 3. As itself it cannot write the database: no grant of its own making.
    as(AGENT, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", mine + "/key");
    Run selfApproved =
        as(
            AGENT,
            wrapper.toString(),
            "approve",
            "release",
            "deploy",
            "--by",
            "alice@example.com",
            "--signing-key",
            mine + "/key");
    // The state folder is writable by the service group, which the agent is not in: to agentcli
    // run as the agent, that is a folder others may write, so nothing runs at all.
    assertEquals(78, selfApproved.status(), selfApproved.toString());
    assertEquals("config_invalid", selfApproved.error().path("code").asText());
    Run stillRefused = agentExec("release", "deploy");
    assertEquals(77, stillRefused.status(), stillRefused.toString());

    // 1, 4, 5, 6. It cannot change what runs, who is trusted, or the manifests.
    for (Path target :
        List.of(
            root.resolve("opt/deploy.sh"),
            root.resolve("etc/allowed_signers"),
            root.resolve("etc/config.json"),
            root.resolve("etc/manifests/release.json"),
            root.resolve("state/agentcli.db"))) {
      Run w = as(AGENT, "sh", "-c", "echo x >> " + target);
      assertNotEquals(0, w.status(), "the agent wrote " + target);
    }
    Run newManifest = as(AGENT, "sh", "-c", "echo {} > " + root.resolve("etc/manifests/x.json"));
    assertNotEquals(0, newManifest.status());
    assertEquals(TASK + "\n", ran());

    // Every refused override is in the operator's audit trail.
    Run audit =
        ok(
            "sqlite3",
            root.resolve("state/agentcli.db").toString(),
            "SELECT count(*) FROM audit_events WHERE event_type = 'override_refused'");
    assertEquals("5", audit.out().trim(), audit.toString());
    Run verify = ok("runuser", "-u", SERVICE, "--", wrapper.toString(), "audit", "verify");
    assertTrue(verify.out().contains("\"ok\" : true"), verify.toString());
    assertFalse(Files.exists(mine.resolve("x.db")));
  }

  @Test
  void aTaskRunsAsTheTaskUserAndCanChangeNothingTheGateRestsOn() throws Exception {
    Path state = root.resolve("state");
    Path etc = root.resolve("etc");
    List<Path> targets =
        List.of(
            state.resolve("agentcli.db"),
            state.resolve("audit-anchors.ndjson"),
            state.resolve("new.db"),
            etc.resolve("allowed_signers"),
            etc.resolve("config.json"),
            etc.resolve("manifests/x.json"));
    StringBuilder script = new StringBuilder("id -un\n");
    for (Path f : targets) {
      script.append("if (echo x >> '").append(f).append("') 2>/dev/null; then echo wrote ");
      script.append(f).append("; fi\n");
    }
    script.append("sqlite3 ").append(state.resolve("agentcli.db"));
    script.append(" 'DELETE FROM consumptions' 2>/dev/null && echo wrote the database\nexit 0\n");
    Run wrote = as(AGENT, "sh", "-c", "cat > " + root.resolve("agent/test.sh"));
    assertEquals(0, wrote.status(), wrote.toString());
    Files.writeString(root.resolve("agent/test.sh"), script.toString());

    Run r = agentExec("ci", "test");
    assertEquals(0, r.status(), r.toString());
    String printed = new ObjectMapper().readTree(r.out()).path("result").path("stdout").asText();
    assertEquals(TASK + "\n", printed, "ran as the task user and wrote nothing: " + r);
    Run verify = ok("runuser", "-u", SERVICE, "--", wrapper.toString(), "audit", "verify");
    assertTrue(verify.out().contains("\"ok\" : true"), verify.toString());
  }

  @Test
  void aTimedOutTaskOfTheTaskUserIsStoppedWithItsBackgroundChild() throws Exception {
    Run r = agentExec("ci", "slow");
    assertEquals(124, r.status(), r.toString());
    // The service user cannot signal the task user's processes: agentcli did it as the task user.
    Run left = sh("pgrep", "-u", TASK, "-f", "sleep 297");
    assertEquals(1, left.status(), "still running as " + TASK + ": " + left);
  }

  @Test
  void aTaskUserThatCouldWriteTheStateStopsEveryExecBeforeTheClaim() throws Exception {
    Path config = root.resolve("etc/config.json");
    String good = Files.readString(config);
    Files.writeString(config, good.replace("\"" + TASK + "\"", "\"" + SERVICE + "\""));
    Run selfOwned = agentExec("ci", "test");
    Files.writeString(config, good);
    // acsvc may not even sudo to itself here; either way nothing runs and the code says why.
    assertEquals(78, selfOwned.status(), selfOwned.toString());
    assertEquals("config_invalid", selfOwned.error().path("code").asText(), selfOwned.toString());
    assertTrue(selfOwned.error().path("error").asText().contains("task_user"), selfOwned.err());

    // A task user in the state's group could write the database through its group.
    ok("usermod", "-aG", SERVICE, TASK);
    try {
      Run grouped = agentExec("ci", "test");
      assertEquals(78, grouped.status(), grouped.toString());
      assertTrue(
          grouped.error().path("error").asText().contains("agentcli.db"), grouped.toString());
    } finally {
      ok("gpasswd", "-d", TASK, SERVICE);
    }
  }
}
