package dev.agentcli.exec;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OS user tasks run as in the privilege-separated deployment ({@code task_user} in the
 * operator's configuration): not the service user that owns the database and the anchors, so that a
 * task running code the agent wrote cannot rewrite the history. agentcli, itself unprivileged,
 * drops to it through {@code sudo -n -u <user>} (the operator's sudo rule lets the service user run
 * {@code /usr/bin/env} as the task user, and nothing else), which sets the user's groups; {@code
 * env -i} then gives the task exactly its bound environment. The service user cannot signal another
 * user's processes, so a task's tree is stopped through the same rule ({@code env kill}).
 *
 * @param name a user name as {@code OperatorConfig} checked it (never root, never an option)
 */
public record TaskUser(String name) {
  private static final String SUDO = "/usr/bin/sudo";
  private static final String ENV = "/usr/bin/env";

  /** How long a helper run through sudo (the check, a signal) may take. */
  private static final long HELPER_WAIT_S = 30;

  /**
   * The command line that runs {@code argv} as this user with exactly {@code env}. A program whose
   * path holds {@code =} would read as a variable to {@code env}: the caller passes one through its
   * trampoline.
   */
  List<String> wrap(List<String> argv, Map<String, String> env) {
    List<String> all = new ArrayList<>(List.of(SUDO, "-n", "-u", name, "--", ENV, "-i"));
    env.forEach((k, v) -> all.add(k + "=" + v));
    all.addAll(argv);
    return all;
  }

  /** Sends {@code signal} (TERM, KILL) to {@code pids}, as this user; those gone are skipped. */
  void signal(String signal, List<Long> pids) {
    if (pids.isEmpty()) {
      return;
    }
    List<String> kill = new ArrayList<>(List.of("/bin/kill", "-s", signal, "--"));
    pids.forEach(p -> kill.add(Long.toString(p)));
    try {
      helper(kill);
    } catch (AgentCliException gone) {
      // kill says so when one of them is gone already: the others were signalled.
    }
  }

  /**
   * Checks, as this user, that it can write none of {@code writable} (the database, the anchors,
   * the trust store, the configuration, the manifests and their folders) and read none of {@code
   * secret} (a database password file): otherwise a task could rewrite what the gate rests on.
   *
   * @throws AgentCliException {@code config_invalid} when it can, or when sudo will not run as it
   */
  public void checkCannotTouch(List<Path> writable, List<Path> secret) {
    List<String> script =
        new ArrayList<>(
            List.of(
                "/bin/sh",
                "-c",
                // A sticky folder (/tmp) may be writable: nobody can replace another's file there.
                "for f; do case $f in w:*) f=${f#w:}; [ -w \"$f\" ] && ! [ -d \"$f\" -a -k \"$f\" ]"
                    + " && echo \"$f\";; r:*) f=${f#r:}; [ -r \"$f\" ] && echo \"$f\";; esac; done;"
                    + " echo checked",
                "sh"));
    writable.forEach(p -> script.add("w:" + p));
    secret.forEach(p -> script.add("r:" + p));
    List<String> found = helper(script).lines().toList();
    if (found.isEmpty() || !found.get(found.size() - 1).equals("checked")) {
      throw invalid("the check it ran as " + name + " did not finish: " + found);
    }
    if (found.size() > 1) {
      throw invalid(
          "task_user "
              + name
              + " can write (or read) what the gate rests on: "
              + String.join(", ", found.subList(0, found.size() - 1))
              + "; tasks must run as a user that can change none of it");
    }
  }

  /** Runs {@code argv} as this user with an empty environment; its stdout. */
  private String helper(List<String> argv) {
    List<String> all = new ArrayList<>(List.of(SUDO, "-n", "-u", name, "--", ENV, "-i"));
    all.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(all).directory(new File("/"));
    builder.environment().clear();
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.redirectErrorStream(true); // what sudo says when it refuses, with what ran
    try {
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(HELPER_WAIT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw invalid("sudo -n -u " + name + " did not answer in " + HELPER_WAIT_S + " s");
      }
      if (p.exitValue() != 0) {
        throw invalid(
            "agentcli cannot run commands as "
                + name
                + " (sudo -n -u "
                + name
                + " "
                + ENV
                + " exited "
                + p.exitValue()
                + (out.isBlank() ? "" : ": " + firstLine(out))
                + "); the operator's sudo rule must let agentcli's user run "
                + ENV
                + " as "
                + name
                + " without a password");
      }
      return out;
    } catch (IOException e) {
      throw invalid("cannot start " + SUDO + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw invalid("interrupted while checking task_user " + name);
    }
  }

  /** What sudo said first, short: it repeats the whole command line. */
  private static String firstLine(String out) {
    String line = out.strip().lines().findFirst().orElse("");
    return line.length() <= 160 ? line : line.substring(0, 160) + "...";
  }

  private static AgentCliException invalid(String why) {
    return new AgentCliException(
        ErrorCode.CONFIG_INVALID,
        "the operator configuration's task_user is not usable, so nothing runs: " + why);
  }
}
