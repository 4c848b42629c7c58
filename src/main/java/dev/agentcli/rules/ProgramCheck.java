package dev.agentcli.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A rule that allows {@code ls} allows the system's {@code ls}, not whatever the shell finds first
 * in {@code PATH}: an agent writes files with its file tools, and the folders a developer's PATH
 * puts first ({@code ~/.local/bin}, {@code ~/.cargo/bin}, {@code ~/bin}) are the agent's to write
 * when it runs as that developer. So an allow of a program named without a slash holds only while
 * the file the shell would run, found through the run's PATH, is one the caller could not have
 * written or put there: neither the file nor its folder (nor, through a link, the real file's
 * folder) is writable by the caller. A relative folder in PATH searched before the program is found
 * (an empty entry is the working directory) is a reason to ask too: what it holds depends on where
 * the line runs.
 *
 * <p>A process running as root may write every file, so there whose file a program is tells nothing
 * (such an agent could as well rewrite {@code /usr/bin/ls}) and only PATH's own shape (a relative
 * folder, none at all) can still make an allow ask.
 */
final class ProgramCheck {
  private ProgramCheck() {}

  /** Who could have written a file: the caller, or in a test another answer. */
  @FunctionalInterface
  interface Access {
    boolean writable(Path path);
  }

  /** The caller's own access; nothing is "the caller's" when the caller is root. */
  private static final boolean ROOT = root();

  static final Access CALLER = path -> !ROOT && Files.isWritable(path);

  /**
   * Builtins of both bash and dash: never looked up in PATH. (Bash's own further builtins, such as
   * {@code pushd}, are looked up as programs under dash, so they are checked as programs.)
   */
  private static final Set<String> BUILTINS =
      Set.of(
          ".",
          ":",
          "[",
          "alias",
          "bg",
          "break",
          "cd",
          "command",
          "continue",
          "echo",
          "eval",
          "exec",
          "exit",
          "export",
          "false",
          "fg",
          "getopts",
          "hash",
          "jobs",
          "kill",
          "local",
          "printf",
          "pwd",
          "read",
          "readonly",
          "return",
          "set",
          "shift",
          "test",
          "times",
          "trap",
          "true",
          "type",
          "ulimit",
          "umask",
          "unalias",
          "unset",
          "wait");

  /** A command whose allow does not hold, and why. */
  record Unsure(String command, String why) {}

  /**
   * The first of {@code line}'s commands whose allow does not hold with {@code env}'s PATH, or
   * empty when each program it names is found where the caller could not have put it.
   */
  static Optional<Unsure> refusal(ShellLine line, Map<String, String> env, Access access) {
    for (ShellLine.SimpleCommand c : line.commands()) {
      if (c.probe() || c.words().isEmpty() || c.words().get(0).dynamic()) {
        continue; // not allowed on its own: the line's ruling is not an allow anyway
      }
      String name = c.words().get(0).text();
      if (name.contains("/") || BUILTINS.contains(name)) {
        continue; // a path the rule names itself, or the shell's own command
      }
      Optional<String> why = unsure(name, env.get("PATH"), access, 0);
      if (why.isPresent()) {
        return Optional.of(new Unsure(c.text(), why.get()));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> unsure(String name, String path, Access access, int depth) {
    if (path == null) {
      return Optional.of("there is no PATH to find `" + name + "` by");
    }
    for (String folder : path.split(":", -1)) {
      if (!folder.startsWith("/")) {
        return Optional.of(
            "PATH holds a relative folder ('"
                + folder
                + "') before `"
                + name
                + "` is found, so which one runs depends on the folder the line runs in");
      }
      Path candidate = Path.of(folder, name);
      if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
        continue;
      }
      try {
        Path real = candidate.toRealPath();
        if (access.writable(candidate.getParent())
            || access.writable(real)
            || access.writable(real.getParent())) {
          return Optional.of(
              "`"
                  + name
                  + "` would run "
                  + (real.equals(candidate) ? candidate : candidate + " (" + real + ")")
                  + ", a file you could have written or put there, not the program the rule"
                  + " allows");
        }
        return interpreter(real, path, access, depth);
      } catch (IOException | RuntimeException unreadable) {
        return Optional.of("`" + name + "` would run " + candidate + ", which cannot be examined");
      }
    }
    return Optional.empty(); // not found: the shell runs nothing by that name
  }

  /**
   * A script's interpreter is looked up too: {@code #!/usr/bin/env python3} finds python3 in the
   * same PATH, and {@code #!/some/path} names a file that must not be the caller's either.
   */
  private static Optional<String> interpreter(Path script, String path, Access access, int depth)
      throws IOException {
    byte[] head = new byte[256];
    int n;
    try (var in = Files.newInputStream(script)) {
      n = in.readNBytes(head, 0, head.length);
    }
    String first = new String(head, 0, n, StandardCharsets.ISO_8859_1).split("\n", 2)[0];
    if (!first.startsWith("#!") || depth > 2) {
      return Optional.empty();
    }
    List<String> words =
        Arrays.stream(first.substring(2).trim().split("[ \t]+")).filter(w -> !w.isEmpty()).toList();
    if (words.isEmpty()) {
      return Optional.empty();
    }
    Path program = Path.of(words.get(0));
    if (access.writable(program) || access.writable(program.toRealPath().getParent())) {
      return Optional.of(script + " is run by " + program + ", a file you could have written");
    }
    if (program.getFileName().toString().equals("env")) {
      Optional<String> named =
          words.stream().skip(1).filter(w -> !w.startsWith("-") && !w.contains("=")).findFirst();
      if (named.isPresent() && !named.get().contains("/")) {
        return unsure(named.get(), path, access, depth + 1)
            .map(why -> script + " is run by `" + named.get() + "` from PATH: " + why);
      }
    }
    return Optional.empty();
  }

  private static boolean root() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | RuntimeException unknown) {
      return false; // then the caller's access decides, which for root only asks more
    }
  }
}
