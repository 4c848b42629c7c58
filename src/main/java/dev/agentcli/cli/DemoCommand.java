package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.SafeText;
import dev.agentcli.app.Services;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

final class DemoCommand extends BaseCommand {
  private static final String MANIFEST =
      "{\n"
          + "  \"version\": \"0.2\",\n"
          + "  \"workflows\": [{\n"
          + "    \"id\": \"release\",\n"
          + "    \"tasks\": [\n"
          + "      {\"id\": \"deploy\", \"description\": \"a gated task\",\n"
          + "       \"shell\": {\"program\": \"echo\", \"args\": [\"deploying\", \"v1.2.3\"]},\n"
          + "       \"approval\": {\"policy\": \"manual\", \"approver_scope\": \"domain:example.com\","
          + " \"timeout_s\": 900, \"risk_level\": \"high\"}},\n"
          + "      {\"id\": \"wipe\", \"shell\": {\"program\": \"rm\", \"args\": [\"-rf\", \"/\"]},\n"
          + "       \"approval\": {\"policy\": \"auto-reject\"}}\n"
          + "    ]\n"
          + "  }]\n"
          + "}\n";

  @Override
  void declare(Definition d) {
    d.text(
        "A guided run on a throw-away home: exec is refused, a person approves, exec runs, the"
            + " replay is refused; then the grants and the audit trail. Every step is printed.");
  }

  DemoCommand(Context ctx) {
    super(ctx);
  }

  @Override
  boolean sealed() {
    return true;
  }

  /** One step: the command shown to the reader and the exit status the tour expects of it. */
  private record Step(String explanation, int expected, String... args) {}

  @Override
  int run(Services services) {
    for (String ignored : List.of("--home", "--db", "--format", "--lock-timeout-ms")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(ignored)) {
        throw BadOption.of(
            ignored,
            spec.commandLine().getParseResult().matchedOption(ignored).stringValues(),
            "the demo runs on a throw-away home of its own and prints text; it takes no "
                + ignored);
      }
    }
    Path home = createHome();
    try {
      return tour(home);
    } finally {
      deleteTree(home);
    }
  }

  private int tour(Path home) {
    String m = home.resolve("release.json").toString();
    String key = home.resolve("alice_key").toString();
    boolean signed = createKey(home.resolve("alice_key"));
    if (!signed) {
      writeManifest(home, MANIFEST.replace("\"high\"}", "\"high\", \"signature\": \"optional\"}"));
    }
    List<Step> steps = new ArrayList<>();
    steps.add(
        new Step(
            "An agent tries to run a gated task. Nobody approved it: the gate refuses (77).",
            77,
            "exec",
            m,
            "deploy"));
    List<String> approve =
        new ArrayList<>(
            List.of(
                "approve",
                m,
                "deploy",
                "--by",
                "alice@example.com",
                "--reason",
                "release 1.2.3",
                "--ttl",
                "15m"));
    if (signed) {
      steps.add(
          new Step(
              "The operator trusts alice's SSH key to sign approvals (an OpenSSH allowed_signers"
                  + " file).",
              0,
              "signers",
              "add",
              "alice@example.com",
              key + ".pub"));
      approve.addAll(List.of("--signing-key", key));
      steps.add(
          new Step(
              "Alice approves exactly one run of it, signing the grant with her key.",
              0,
              approve.toArray(String[]::new)));
    } else {
      approve.addAll(List.of("--signer", "none"));
      steps.add(
          new Step(
              "Alice approves exactly one run of it. (ssh-keygen is not installed, so this grant is"
                  + " explicitly unsigned, which the demo's task allows.)",
              0,
              approve.toArray(String[]::new)));
    }
    String[] exec =
        signed ? new String[] {"exec", m, "deploy"} : new String[] {"exec", m, "deploy"};
    steps.add(
        new Step(
            "The agent runs it again: the grant's signature verifies, the grant is consumed and"
                + " the program runs.",
            0,
            exec));
    steps.add(
        new Step(
            "The agent replays the same command: the grant was single-use, so it is refused.",
            77,
            exec));
    steps.add(new Step("No grant can override an auto-reject task.", 77, "exec", m, "wipe"));
    steps.add(new Step("The operator lists the grants.", 0, "approvals", "list"));
    steps.add(new Step("And reads the audit trail.", 0, "audit"));
    steps.add(
        new Step(
            "The trail is hash-chained: editing, deleting or reordering events is detected.",
            0,
            "audit",
            "verify"));
    PrintWriter out = out();
    out.println("agentcli demo: a throw-away home in " + home);
    out.println();
    // Sealed: none of the caller's AGENTCLI_* settings and no operator configuration reach the
    // tour, so it can neither read nor change the caller's real trust store or database.
    Map<String, String> env = new HashMap<>();
    ctx.env()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("AGENTCLI_")) {
                env.put(k, v);
              }
            });
    env.put("AGENTCLI_HOME", home.toString());
    List<String> surprises = new ArrayList<>();
    int n = 1;
    for (Step step : steps) {
      out.println(n++ + ". " + step.explanation());
      out.println(
          "   $ agentcli " + SafeText.shellWords(List.of(step.args())).replace(home + "/", "./"));
      List<String> args = new ArrayList<>(List.of(step.args()));
      args.addAll(List.of("--format", "text"));
      StringWriter captured = new StringWriter();
      PrintWriter sink = new PrintWriter(captured);
      // A task's own bytes (text mode streams them) come first, then what agentcli printed.
      ByteArrayOutputStream taskOutput = new ByteArrayOutputStream();
      Context demo = ctx.sealed(env, home.resolve("no-operator-config.json"), taskOutput);
      int status = AgentCli.execute(demo, sink, sink, args.toArray(String[]::new));
      sink.flush();
      (taskOutput.toString(StandardCharsets.UTF_8) + captured)
          .lines()
          .forEach(line -> out.println("   " + line.replace(home + "/", "./")));
      out.println("   (exit status " + status + ")");
      out.println();
      if (status != step.expected()) {
        surprises.add("step " + (n - 1) + " exited " + status + ", expected " + step.expected());
      }
    }
    out.println("The demo's home, its key included, is deleted now. On your own home, look inside");
    out.println("with the plain sqlite3 shell:");
    out.println(
        "   sqlite3 ~/.agentcli/state/agentcli.db"
            + " 'SELECT status, approval_id, task_id, approver FROM grant_status'");
    out.flush();
    if (!surprises.isEmpty()) {
      throw new AgentCliException(
          ErrorCode.INTERNAL_ERROR,
          "the demo did not go as expected: " + surprises,
          Map.of("home", home.toString()));
    }
    return 0;
  }

  /** A throw-away Ed25519 key for the demo's approver; false when ssh-keygen cannot make one. */
  private static boolean createKey(Path key) {
    try {
      Process p =
          new ProcessBuilder(
                  "ssh-keygen",
                  "-q",
                  "-t",
                  "ed25519",
                  "-N",
                  "",
                  "-C",
                  "alice@example.com",
                  "-f",
                  key.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void writeManifest(Path home, String json) {
    try {
      Files.writeString(home.resolve("release.json"), json);
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INTERNAL_ERROR, "cannot write the demo's manifest: " + e, Map.of(), e);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // Left behind; the folder is the caller's temporary folder, 0700.
                }
              });
    } catch (IOException e) {
      // Nothing more can be done here.
    }
  }

  private Path createHome() {
    try {
      Path home = Files.createTempDirectory("agentcli-demo-");
      writeManifest(home, MANIFEST);
      return home;
    } catch (IOException e) {
      throw new AgentCliException(
          ErrorCode.INTERNAL_ERROR, "cannot create the demo's home: " + e, Map.of(), e);
    }
  }
}
