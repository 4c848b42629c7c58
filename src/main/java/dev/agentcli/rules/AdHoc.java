package dev.agentcli.rules;

import dev.agentcli.codec.Json;
import dev.agentcli.codec.Sha256;
import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.Policy;
import dev.agentcli.manifest.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A command that no manifest declares, as a task of its own: workflow {@value #WORKFLOW}, an id
 * derived from the exact command, run in the caller's working directory under what the rules
 * decided. Its binding is a task's binding (the resolved program and its digest, the exact words,
 * the working directory, the environment), so request, decision, claim, run and audit are the same
 * as for a manifest's task.
 */
public final class AdHoc {
  /** The workflow every ad-hoc command belongs to. */
  public static final String WORKFLOW = "run";

  /** How the origin of an ad-hoc task is named where a manifest's would be. */
  public static final String ORIGIN = "(ad-hoc command)";

  private AdHoc() {}

  /** The words of {@code argv} as a line: exactly these run, nothing expands. */
  public static ShellLine line(List<String> argv) {
    return new ShellLine(
        List.of(
            new ShellLine.SimpleCommand(
                argv.stream().map(w -> new ShellLine.Word(w, false)).toList(), false, false)),
        false);
  }

  /** {@code argv} (the program first) as a task in {@code cwd}, under {@code ruling}. */
  public static Task task(List<String> argv, Path cwd, Ruling ruling) {
    String digest = Sha256.of(Json.canonical(argv));
    return new Task(
        WORKFLOW,
        "cmd-" + digest.substring("sha256:".length(), "sha256:".length() + 16),
        argv.get(0),
        argv.subList(1, argv.size()),
        cwd.toString(),
        Map.of(),
        null,
        null,
        List.of(),
        List.of(),
        approval(ruling),
        new Task.Origin(ORIGIN, digest),
        String.join(" ", argv));
  }

  /** {@code line} run by {@code shell} ({@code shell -c line}) as a task. */
  public static Task shell(String shell, String line, Path cwd, Ruling ruling) {
    List<String> argv = new ArrayList<>(List.of(shell, "-c", line));
    return task(argv, cwd, ruling);
  }

  private static ApprovalRules approval(Ruling ruling) {
    return switch (ruling.decision()) {
      case ALLOW -> ruling.approval().withPolicy(Policy.AUTO_APPROVE);
      case ASK -> ruling.approval().withPolicy(Policy.MANUAL);
      case DENY -> ruling.approval().withPolicy(Policy.AUTO_REJECT);
    };
  }
}
