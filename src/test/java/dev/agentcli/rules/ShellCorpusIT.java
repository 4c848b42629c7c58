package dev.agentcli.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.error.AgentCliException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25's corpus (src/test/resources/shell-corpus/lines.txt): each line is run by bash and by
 * dash in a sandbox whose PATH holds only logging shims (each records the argv it was called with;
 * the wrappers and shells among them go on to run the real program), so the ground truth is what
 * the shell executed, not what the reader thinks. Each executed argv is judged on its own, as plain
 * words, by the same rules. Then, for the starter rules and a stricter set:
 *
 * <ul>
 *   <li>a <b>bypass</b> is a line the reader allows that executed something the rules do not;
 *   <li>a <b>lowered denial</b> is a line that executed something the rules deny, which the reader
 *       does not deny;
 *   <li>a <b>false positive</b> is a line of class {@code harmless} (everything it executed is
 *       allowed) that the reader does not allow under the starter rules: at most 2 % of them;
 *   <li>each line's ruling is also pinned in the corpus ({@code ### class starter strict}).
 * </ul>
 */
class ShellCorpusIT {
  /** Programs the shims stand for: they record their argv and do nothing else. */
  static final List<String> RECORDED =
      List.of(
          "ls",
          "cat",
          "head",
          "tail",
          "wc",
          "grep",
          "rg",
          "sort",
          "uniq",
          "cut",
          "tr",
          "nl",
          "diff",
          "file",
          "stat",
          "du",
          "df",
          "tree",
          "which",
          "date",
          "whoami",
          "uname",
          "basename",
          "dirname",
          "realpath",
          "readlink",
          "jq",
          "git",
          "rm",
          "mv",
          "cp",
          "touch",
          "mkdir",
          "chmod",
          "curl",
          "wget",
          "ssh",
          "python3",
          "node",
          "perl",
          "ruby",
          "npm",
          "pip",
          "make",
          "mvn",
          "awk",
          "sed",
          "docker",
          "dd",
          "tar",
          "rsync",
          "id",
          "sleep");

  /** Programs that run another: the shim records, then the real one runs (on the shims' PATH). */
  static final Map<String, String> PASSED_ON =
      Map.ofEntries(
          Map.entry("env", "/usr/bin/env"),
          Map.entry("timeout", "/usr/bin/timeout"),
          Map.entry("nice", "/usr/bin/nice"),
          Map.entry("nohup", "/usr/bin/nohup"),
          Map.entry("xargs", "/usr/bin/xargs"),
          Map.entry("stdbuf", "/usr/bin/stdbuf"),
          Map.entry("setsid", "/usr/bin/setsid"),
          Map.entry("find", "/usr/bin/find"),
          Map.entry("sh", "/bin/dash"),
          Map.entry("dash", "/bin/dash"),
          Map.entry("bash", "/bin/bash"));

  /** Also passed on, after their own options: what they run is their first other word. */
  static final List<String> RUNNING_THEIR_ARGUMENTS = List.of("sudo", "busybox");

  @TempDir static Path sandbox;
  static Path bin;
  static Path fixtures;

  record Entry(int n, String cls, String starter, String strict, String line) {}

  @BeforeAll
  static void shims() throws IOException {
    bin = Files.createDirectories(sandbox.resolve("bin"));
    String record = "{ printf '%s\\037' \"${0##*/}\" \"$@\"; printf '\\036'; } >> \"$SHIM_LOG\"\n";
    for (String name : RECORDED) {
      shim(name, record);
    }
    PASSED_ON.forEach((name, real) -> shim(name, record + "exec " + real + " \"$@\"\n"));
    for (String name : RUNNING_THEIR_ARGUMENTS) {
      shim(
          name,
          record
              + "while [ $# -gt 0 ]; do case \"$1\" in -u|-g) shift 2;; -*) shift;; *) break;;"
              + " esac; done\n[ $# -gt 0 ] && exec \"$@\"\n");
    }
    fixtures = Files.createDirectories(sandbox.resolve("fixtures"));
    Files.createDirectories(fixtures.resolve("src/main"));
    Files.createDirectories(fixtures.resolve("docs"));
    for (String f :
        List.of(
            "README.md",
            "pom.xml",
            "names.txt",
            "data.csv",
            "data.json",
            "build.log",
            "a.txt",
            "b.txt",
            "src/main/App.java",
            "docs/guide.md")) {
      Files.writeString(fixtures.resolve(f), "a\nb\n");
    }
  }

  static void shim(String name, String body) {
    try {
      Path f = bin.resolve(name);
      Files.writeString(f, "#!/bin/sh\n" + body);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Entry> corpus() throws IOException {
    String text;
    try (InputStream in = ShellCorpusIT.class.getResourceAsStream("/shell-corpus/lines.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Entry> entries = new ArrayList<>();
    for (String record : text.split("(?m)^### ")) {
      if (record.isEmpty()) {
        continue;
      }
      int nl = record.indexOf('\n');
      String[] head = record.substring(0, nl).split(" ");
      String line = record.substring(nl + 1);
      line = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
      entries.add(
          new Entry(
              entries.size() + 1,
              head[0],
              head.length > 1 ? head[1] : "?",
              head.length > 2 ? head[2] : "?",
              line));
    }
    return entries;
  }

  /** What {@code shell} executed for {@code line}: each argv the shims recorded, in order. */
  static List<List<String>> executed(String shell, String line, int n) throws Exception {
    Path work = sandbox.resolve("run-" + shell + "-" + n);
    copy(fixtures, work);
    Path log = sandbox.resolve("log-" + shell + "-" + n);
    Files.writeString(log, "");
    ProcessBuilder pb = new ProcessBuilder(shell, "-c", line).directory(work.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", bin.toString());
    pb.environment().put("HOME", work.toString());
    pb.environment().put("SHIM_LOG", log.toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("line " + n + " did not finish: " + line);
    }
    List<List<String>> argvs = new ArrayList<>();
    for (String rec : Files.readString(log).split("\u001e")) {
      if (!rec.isEmpty()) {
        argvs.add(List.of(rec.split("\u001f", -1)).subList(0, rec.split("\u001f", -1).length - 1));
      }
    }
    return argvs;
  }

  static void copy(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  /** The reader's ruling on {@code line}: an unreadable line is refused (a deny). */
  static Decision reader(String line, ShellDialect dialect, Rules rules) {
    try {
      return rules.judge(ShellParser.parse(line, dialect)).decision();
    } catch (AgentCliException e) {
      return Decision.DENY;
    }
  }

  /**
   * The ruling the rules give to what was executed: the strictest of its argvs', as plain words.
   */
  static Decision truth(List<List<String>> executed, Rules rules) {
    return executed.stream()
        .map(argv -> rules.judge(AdHoc.line(argv)).decision())
        .max(Comparator.naturalOrder())
        .orElse(Decision.ALLOW);
  }

  @Test
  void theReaderNeverAllowsMoreOrDeniesLessThanTheShellRuns() throws Exception {
    Rules starter = Rules.starter();
    Rules strict;
    try (InputStream in =
        ShellCorpusIT.class.getResourceAsStream("/shell-corpus/strict-rules.json")) {
      strict = Rules.of(dev.agentcli.codec.Json.parse(in.readAllBytes()), "strict-rules.json");
    }
    List<Entry> corpus = corpus();
    Map<String, List<String>> found = new LinkedHashMap<>();
    for (String kind : List.of("bypass", "lowered denial", "false positive", "pinned ruling")) {
      found.put(kind, new ArrayList<>());
    }
    int harmless = 0;
    StringBuilder recorded = new StringBuilder();
    for (Entry e : corpus) {
      Map<ShellDialect, List<List<String>>> ran =
          Map.of(
              ShellDialect.BASH, executed("bash", e.line(), e.n()),
              ShellDialect.POSIX, executed("dash", e.line(), e.n()));
      String[] pinned = {e.starter(), e.strict()};
      String[] got = new String[2];
      int k = 0;
      for (Rules rules : List.of(starter, strict)) {
        String set = k == 0 ? "starter" : "strict";
        for (var run : ran.entrySet()) {
          Decision read = reader(e.line(), run.getKey(), rules);
          Decision truth = truth(run.getValue(), rules);
          String where =
              "#"
                  + e.n()
                  + " ["
                  + e.cls()
                  + ", "
                  + set
                  + ", "
                  + run.getKey()
                  + "] "
                  + e.line().replace("\n", "\\n")
                  + " -> reader "
                  + read
                  + ", ran "
                  + run.getValue();
          if (read == Decision.ALLOW && truth != Decision.ALLOW) {
            found.get("bypass").add(where);
          }
          if (truth == Decision.DENY && read != Decision.DENY) {
            found.get("lowered denial").add(where);
          }
          if (run.getKey() == ShellDialect.BASH) {
            got[k] = read.name().toLowerCase(java.util.Locale.ROOT);
            if (k == 0 && e.cls().equals("harmless")) {
              harmless++;
              if (read != Decision.ALLOW || truth != Decision.ALLOW) {
                found.get("false positive").add(where);
              }
            }
            if (!got[k].equals(pinned[k])) {
              found.get("pinned ruling").add(where + " (pinned " + pinned[k] + ")");
            }
          }
        }
        k++;
      }
      recorded
          .append("### ")
          .append(e.cls())
          .append(' ')
          .append(got[0])
          .append(' ')
          .append(got[1])
          .append('\n')
          .append(e.line())
          .append('\n');
    }
    Files.writeString(Path.of("target", "shell-corpus-recorded.txt"), recorded.toString());
    System.out.printf(
        "shell corpus: %d lines (%d harmless) in %d classes, run by bash and dash: %d bypasses,"
            + " %d lowered denials, %d false positives (%.1f %%), %d pinned rulings differ%n",
        corpus.size(),
        harmless,
        corpus.stream().map(Entry::cls).collect(Collectors.toSet()).size(),
        found.get("bypass").size(),
        found.get("lowered denial").size(),
        found.get("false positive").size(),
        100.0 * found.get("false positive").size() / harmless,
        found.get("pinned ruling").size());
    found.forEach((kind, list) -> list.forEach(w -> System.out.println(kind + ": " + w)));
    assertTrue(
        found.get("bypass").isEmpty(), "bypasses:\n" + String.join("\n", found.get("bypass")));
    assertTrue(
        found.get("lowered denial").isEmpty(),
        "lowered denials:\n" + String.join("\n", found.get("lowered denial")));
    assertTrue(
        found.get("false positive").size() * 50 <= harmless,
        "false positives over 2 %:\n" + String.join("\n", found.get("false positive")));
    assertTrue(
        found.get("pinned ruling").isEmpty(),
        "rulings that differ from the corpus:\n" + String.join("\n", found.get("pinned ruling")));
  }
}
