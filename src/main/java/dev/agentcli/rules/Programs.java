package dev.agentcli.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the reader knows of programs and builtins that run more than their words say: builtins that
 * rebind names or evaluate their arguments, programs that run other programs, and flags that run
 * code or write files. None of them is ever surely allowed; a rule that asks or denies still sees
 * them, and what a wrapper runs is judged as well.
 */
final class Programs {
  private Programs() {}

  /** Builtins that rebind names, change how later words are read, or run their arguments. */
  private static final Set<String> REBINDING =
      Set.of(
          "alias",
          "unalias",
          "eval",
          "exec",
          "command",
          "builtin",
          "source",
          ".",
          "trap",
          "enable",
          "shopt",
          "hash",
          "bind",
          "complete",
          "compgen",
          "compopt",
          "fc",
          "function",
          "coproc");

  /**
   * Programs whose arguments name another program that they run (the words after the options are a
   * command of the line, judged as a probe).
   */
  static final Set<String> WRAPPERS =
      Set.of(
          "env",
          "nice",
          "nohup",
          "timeout",
          "time",
          "xargs",
          "sudo",
          "doas",
          "su",
          "runuser",
          "stdbuf",
          "setsid",
          "ionice",
          "chrt",
          "taskset",
          "unshare",
          "nsenter",
          "chroot",
          "flock",
          "watch",
          "strace",
          "ltrace",
          "busybox",
          "command",
          "builtin",
          "exec",
          "firejail",
          "parallel",
          "systemd-run",
          "script",
          "catchsegv",
          "valgrind",
          "gdb",
          "faketime");

  /** Shells: with {@code -c} they run the script that follows, which is read as a line. */
  static final Map<String, ShellDialect> SHELLS =
      Map.of("sh", ShellDialect.POSIX, "dash", ShellDialect.POSIX, "bash", ShellDialect.BASH);

  /** Programs that run code given to them or found in files the agent can write. */
  private static final Set<String> INTERPRETERS =
      Set.of(
          "zsh",
          "ksh",
          "mksh",
          "fish",
          "csh",
          "tcsh",
          "python",
          "python2",
          "python3",
          "node",
          "nodejs",
          "deno",
          "bun",
          "perl",
          "ruby",
          "php",
          "lua",
          "luajit",
          "Rscript",
          "tclsh",
          "wish",
          "expect",
          "awk",
          "gawk",
          "mawk",
          "nawk",
          "osascript",
          "pwsh",
          "powershell",
          "vim",
          "vi",
          "nvim",
          "emacs",
          "ed",
          "ex",
          "npx",
          "uvx",
          "pipx");

  /**
   * Flags of a program that run a command (given, or found in PATH by the program itself, where the
   * shell's lookup is not checked), write a file or set the clock, by program.
   */
  private static final Map<String, List<String>> RISKY_FLAGS =
      Map.ofEntries(
          Map.entry(
              "find",
              List.of(
                  "-exec",
                  "-execdir",
                  "-ok",
                  "-okdir",
                  "-delete",
                  "-fprint",
                  "-fprint0",
                  "-fprintf",
                  "-fls")),
          Map.entry(
              "tar",
              List.of(
                  "--checkpoint-action",
                  "--to-command",
                  "--use-compress-program",
                  "-I",
                  "--info-script",
                  "--new-volume-script",
                  "-F",
                  "--rsh-command",
                  "--rmt-command")),
          Map.entry("sort", List.of("--compress-program", "-o", "--output")),
          Map.entry("rsync", List.of("-e", "--rsh", "--rsync-path")),
          Map.entry("zip", List.of("-T", "--unzip-command")),
          Map.entry("ssh", List.of("-o", "-F")),
          Map.entry("less", List.of("-o", "--log-file", "-O", "--LOG-FILE")),
          // ripgrep runs a preprocessor or a hostname program it is given, or decompressors it
          // finds in PATH.
          Map.entry("rg", List.of("--pre", "--hostname-bin", "-z", "--search-zip")),
          // GNU diff passes its output through pr, found in PATH.
          Map.entry("diff", List.of("-l", "--paginate")),
          // tree writes its listing to a file (-o), and with -R a file in every folder.
          Map.entry("tree", List.of("-o", "-R")),
          Map.entry("date", List.of("-s", "--set")),
          // file -C writes the compiled magic file into the working folder; -z and -Z run
          // decompressors it finds in PATH for the formats it cannot read itself.
          Map.entry(
              "file",
              List.of("-C", "--compile", "-z", "-Z", "--uncompress", "--uncompress-noreport")));

  /** git's options before the subcommand that run code or read another repository's config. */
  private static final List<String> GIT_GLOBAL =
      List.of("-c", "--config-env", "--exec-path", "-p", "--paginate", "--git-dir", "--work-tree");

  /**
   * git's options after the subcommand that run a program or write a file ({@code --show-signature}
   * runs gpg, found in PATH, for each signed commit).
   */
  private static final List<String> GIT_SUBCOMMAND =
      List.of(
          "--output",
          "--ext-diff",
          "--open-files-in-pager",
          "--exec",
          "--upload-pack",
          "--receive-pack",
          "--show-signature");

  /**
   * Builtins that take names (or arithmetic) in which bash evaluates array subscripts, always;
   * {@code test}, {@code [}, {@code printf} and {@code wait} do with some flags only.
   */
  private static final Set<String> NAME_TAKING =
      Set.of(
          "read",
          "declare",
          "typeset",
          "local",
          "export",
          "readonly",
          "let",
          "unset",
          "mapfile",
          "readarray",
          "getopts",
          "[[",
          "((");

  /**
   * Whether bash may evaluate the words of {@code words} as names or arithmetic, running what a
   * subscript such as {@code a[$(cmd)]} holds, quoted or not.
   */
  static boolean evaluatesNames(List<ShellLine.Word> words) {
    if (words.isEmpty()) {
      return false;
    }
    String name = baseName(words.get(0).text());
    return NAME_TAKING.contains(name)
        || (List.of("test", "[", "printf", "wait").contains(name) && never(words) != null);
  }

  /**
   * The dialect of a shell that {@code words} run with no script given ({@code sh}, {@code bash
   * -e}: no {@code -c}, no file), which reads its script from standard input; else null.
   */
  static ShellDialect readsScriptFromStdin(List<ShellLine.Word> words) {
    if (words.isEmpty() || words.get(0).dynamic()) {
      return null;
    }
    ShellDialect dialect = SHELLS.get(baseName(words.get(0).text()));
    if (dialect == null) {
      return null;
    }
    for (int k = 1; k < words.size(); k++) {
      String t = words.get(k).text();
      if (t.equals("-s") || t.equals("--")) {
        return dialect;
      }
      if (!(t.startsWith("-") || t.startsWith("+"))
          || (t.indexOf('c') > 0 && !t.startsWith("--"))) {
        return null; // a file to run, or -c and its script
      }
      if (t.equals("-o") || t.equals("+o") || t.equals("-O") || t.equals("+O")) {
        k++;
      }
    }
    return dialect;
  }

  /** Why no rule may surely allow {@code words}, or null. */
  static String never(List<ShellLine.Word> words) {
    if (words.isEmpty() || words.get(0).dynamic()) {
      return null;
    }
    String name = baseName(words.get(0).text());
    List<String> args = words.subList(1, words.size()).stream().map(ShellLine.Word::text).toList();
    if (REBINDING.contains(name) || NAME_TAKING.contains(name)) {
      return "the builtin " + name + " rebinds names or evaluates its arguments";
    }
    if ((name.equals("test") || name.equals("["))
        && args.stream().anyMatch(a -> a.equals("-v") || a.equals("-R"))) {
      return name + " -v evaluates an array subscript";
    }
    if ((name.equals("printf") && args.stream().anyMatch(a -> flagged(a, "-v")))
        || (name.equals("wait") && args.stream().anyMatch(a -> flagged(a, "-p")))) {
      return name + " assigns to a name, whose subscript bash evaluates";
    }
    if (WRAPPERS.contains(name) || SHELLS.containsKey(name) || INTERPRETERS.contains(name)) {
      return name + " runs another program or code given to it";
    }
    if (name.equals("git")) {
      int sub = 0;
      while (sub < args.size() && args.get(sub).startsWith("-")) {
        sub += args.get(sub).equals("-C") ? 2 : 1;
      }
      for (int k = 0; k < args.size(); k++) {
        if (k > sub && args.get(k).contains("%G")) {
          return "git's %G format verifies signatures with gpg, found in PATH";
        }
        List<String> risky = k < sub ? GIT_GLOBAL : GIT_SUBCOMMAND;
        for (String f : risky) {
          if (flagged(args.get(k), f)
              || (k > sub && args.get(sub).equals("grep") && flagged(args.get(k), "-O"))) {
            return "git " + f + " runs a program, reads another configuration or writes a file";
          }
        }
      }
      return null;
    }
    if (name.equals("uniq") && uniqOperands(args) > 1) {
      return "uniq writes its second file operand";
    }
    for (String f : RISKY_FLAGS.getOrDefault(name, List.of())) {
      if (args.stream().anyMatch(a -> flagged(a, f))) {
        return name + " " + f + " runs a program, writes a file or sets the clock";
      }
    }
    return null;
  }

  /** How many file operands {@code uniq} gets: INPUT, and OUTPUT, which it writes. */
  private static int uniqOperands(List<String> args) {
    Set<String> valued = Set.of("-f", "-s", "-w", "--skip-fields", "--skip-chars", "--check-chars");
    int operands = 0;
    boolean options = true;
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      if (options && a.equals("--")) {
        options = false;
      } else if (options && a.startsWith("-") && !a.equals("-")) {
        k += valued.contains(a) ? 1 : 0;
      } else {
        operands++;
      }
    }
    return operands;
  }

  /**
   * Whether {@code arg} gives flag {@code f}: itself, with {@code =value}, a long flag abbreviated,
   * or a one-letter flag within a cluster ({@code -xvI}) or with its value attached.
   */
  private static boolean flagged(String arg, String f) {
    if (arg.equals(f) || arg.startsWith(f + "=")) {
      return true;
    }
    if (f.startsWith("--")) {
      return arg.startsWith("--") && arg.length() > 3 && f.startsWith(arg.split("=", 2)[0]);
    }
    return f.length() == 2
        && arg.startsWith("-")
        && !arg.startsWith("--")
        && arg.indexOf(f.charAt(1)) > 0;
  }

  static String baseName(String program) {
    int slash = program.lastIndexOf('/');
    return slash < 0 ? program : program.substring(slash + 1);
  }
}
