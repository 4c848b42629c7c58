package dev.agentcli.rules;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * git runs programs named in its configuration ({@code core.fsmonitor} on {@code git status},
 * {@code diff.external} and textconv drivers on {@code git diff}, a pager...), and an agent writes
 * {@code .git/config} and {@code ~/.gitconfig} with its file tools, which no Bash hook sees. So an
 * allow of a git command holds only while no configuration it would read names a program: before
 * allowing, agentcli asks git itself ({@code git config --list --includes}) in every folder the
 * line's git commands may run in (the working directory and each {@code cd} or {@code -C} target);
 * a folder it cannot know ({@code cd $X}) or a configuration it cannot read is a reason to ask.
 */
public final class GitConfigCheck {
  /**
   * Keys whose value git runs in the commands an agent is allowed to run unasked (status, log,
   * diff, show, blame...), or that point it at hooks, or make {@code git log} verify signatures
   * (with gpg, found in PATH: {@code log.showSignature}) (case-insensitive). Keys that only act on
   * a terminal (pagers), over the network (ssh, credentials) or in other commands (editors, merge
   * drivers) are left out: git never runs them there, and people set them every day.
   */
  private static final Pattern RUNS =
      Pattern.compile(
          "core\\.(fsmonitor|hookspath)|diff\\.external|diff\\..*\\.(command|textconv)"
              + "|filter\\..*\\.(clean|smudge|process)|gpg\\.(.*\\.)?program"
              + "|log\\.showsignature");

  private GitConfigCheck() {}

  /**
   * Why an allow of {@code line}'s git commands does not hold in {@code cwd} with {@code env} (the
   * run's environment), or empty when no git command is allowed or none reads a running key.
   */
  public static Optional<String> refusal(ShellLine line, Path cwd, Map<String, String> env) {
    boolean git =
        line.commands().stream()
            .anyMatch(
                c ->
                    !c.words().isEmpty()
                        && Programs.baseName(c.words().get(0).text()).equals("git"));
    if (!git) {
      return Optional.empty();
    }
    Set<Path> folders = new LinkedHashSet<>(List.of(cwd));
    for (ShellLine.SimpleCommand c : line.commands()) {
      List<ShellLine.Word> w = c.words();
      if (w.isEmpty()) {
        continue;
      }
      String name = Programs.baseName(w.get(0).text());
      int target = name.equals("cd") || name.equals("pushd") ? 1 : -1;
      if (name.equals("git")) {
        for (int k = 1; k + 1 < w.size(); k++) {
          if (w.get(k).text().equals("-C")) {
            target = k + 1;
          }
        }
      }
      if (target < 0) {
        continue;
      }
      if (target >= w.size() || w.get(target).dynamic() || w.get(target).text().startsWith("-")) {
        return Optional.of(
            "`"
                + c.text()
                + "` moves to a folder the rules cannot know, whose git configuration"
                + " could run a program");
      }
      for (Path f : List.copyOf(folders)) {
        folders.add(f.resolve(w.get(target).text()).normalize());
      }
    }
    for (Path folder : folders) {
      Optional<String> why = runningKey(folder, env);
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  /**
   * The configuration keys in effect in {@code folder} that run a program, and the hooks there (git
   * status runs post-index-change when it refreshes the index), if any.
   */
  static Optional<String> runningKey(Path folder, Map<String, String> env) {
    if (!folder.toFile().isDirectory()) {
      return Optional.empty(); // git fails there before it reads a repository's configuration
    }
    Optional<String> config = git(folder, env, "config", "--list", "--includes", "-z");
    if (config.isEmpty()) {
      return Optional.of("git cannot read the configuration in " + folder + ": a person decides");
    }
    List<String> running = new ArrayList<>();
    for (String entry : config.get().split("\0")) {
      int nl = entry.indexOf('\n');
      String key = (nl < 0 ? entry : entry.substring(0, nl)).toLowerCase(Locale.ROOT);
      String value = nl < 0 ? "" : entry.substring(nl + 1);
      boolean builtinMonitor =
          key.equals("core.fsmonitor")
              && value.toLowerCase(Locale.ROOT).matches("true|false|yes|no|on|off|1|0|");
      boolean off =
          key.equals("log.showsignature")
              && value.toLowerCase(Locale.ROOT).matches("false|no|off|0");
      if ((RUNS.matcher(key).matches() && !builtinMonitor && !off)
          || (key.startsWith("alias.") && value.startsWith("!"))) {
        running.add(key);
      }
    }
    // Outside a repository there are no hooks (rev-parse fails), and nothing to refuse for them.
    git(folder, env, "rev-parse", "--git-path", "hooks")
        .map(String::strip)
        .filter(h -> !h.isEmpty())
        .map(folder::resolve)
        .map(Path::toFile)
        .map(File::listFiles)
        .ifPresent(
            hooks -> {
              for (File h : hooks) {
                if (h.isFile() && h.canExecute() && !h.getName().endsWith(".sample")) {
                  running.add("hook " + h.getName());
                }
              }
            });
    return running.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "the git configuration in "
                + folder
                + " runs a program ("
                + String.join(", ", running)
                + "), and an agent can write it: a person decides");
  }

  /** What {@code git args} prints in {@code folder}; empty when it fails or hangs. */
  private static Optional<String> git(Path folder, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "--no-pager"));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
