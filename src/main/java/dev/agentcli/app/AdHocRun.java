package dev.agentcli.app;

import dev.agentcli.manifest.Task;
import dev.agentcli.manifest.TaskBinding;
import dev.agentcli.rules.AdHoc;
import dev.agentcli.rules.Ruling;
import dev.agentcli.rules.ShellDialect;
import dev.agentcli.rules.ShellLine;
import dev.agentcli.rules.ShellParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The task a command no manifest declares makes (a program and its words, or a shell line), as the
 * rules judge it, bound on this machine: what {@code run} and the Claude Code hook both ask for.
 */
public record AdHocRun(Ruling ruling, Task task, TaskBinding binding) {
  /**
   * @param shellLine a whole line, read as {@code shellProgram} reads it; else {@code argv}
   */
  public static AdHocRun bind(
      Services services,
      Path cwd,
      Optional<String> shellLine,
      List<String> argv,
      String shellProgram) {
    // A line is read as the shell that runs it reads it (sh is dash on Debian).
    ShellLine line =
        shellLine
            .map(
                l ->
                    ShellParser.parse(
                        l,
                        ShellDialect.of(
                            TaskBinding.locate(shellProgram, cwd, services.inheritedEnv()))))
            .orElseGet(() -> AdHoc.line(argv));
    Ruling ruling = services.rules().judge(line, cwd, services.inheritedEnv());
    Task task =
        shellLine.isPresent()
            ? AdHoc.shell(shellProgram, shellLine.get(), cwd, ruling)
            : AdHoc.task(argv, cwd, ruling);
    return new AdHocRun(
        ruling, task, TaskBinding.of(task, cwd, services.inheritedEnv(), services.fileDigests()));
  }
}
