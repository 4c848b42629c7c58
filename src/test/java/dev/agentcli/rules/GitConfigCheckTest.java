package dev.agentcli.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 25, finding 4: git runs programs named in a configuration the agent writes. For each key,
 * the real git shows whether the command an allow covers runs it (a marker file), and the rules
 * then allow that command exactly when it does not.
 */
class GitConfigCheckTest {
  @TempDir Path dir;
  Path repo;
  Path marker;
  Map<String, String> env;
  final Rules starter = Rules.starter();

  @BeforeEach
  void repo() throws Exception {
    repo = Files.createDirectories(dir.resolve("repo"));
    marker = dir.resolve("ran");
    env = Map.of("PATH", System.getenv("PATH"), "HOME", dir.toString(), "GIT_CONFIG_NOSYSTEM", "1");
    git("init", "-q");
    git("config", "user.email", "a@example.com");
    git("config", "user.name", "a");
    Files.writeString(repo.resolve(".gitattributes"), "*.txt diff=x filter=x\n");
    Files.writeString(repo.resolve("f.txt"), "a\n");
    git("add", ".");
    git("commit", "-qm", "init");
    Files.writeString(repo.resolve("f.txt"), "a\nb\n");
  }

  void git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.start().waitFor();
  }

  Decision ruling(String line) {
    return starter.judge(ShellParser.parse(line), repo, env).decision();
  }

  @ParameterizedTest(name = "{0} on git {1}: runs {2}")
  @CsvSource({
    "core.fsmonitor, status, true",
    "filter.x.clean, diff, true",
    "diff.x.textconv, diff, true",
    "diff.external, diff, true",
    "core.pager, log, false",
    "core.sshCommand, status, false",
  })
  void anAllowHoldsOnlyWhileNoConfigurationItReadsRunsAProgram(
      String key, String subcommand, boolean runs) throws Exception {
    assertEquals(Decision.ALLOW, ruling("git " + subcommand), "a clean repository");
    String program = "touch " + marker + "; cat";
    git("config", key, key.equals("diff.x.textconv") ? "sh -c '" + program + " \"$0\"'" : program);
    git(subcommand);
    assertEquals(runs, Files.exists(marker), "what git really ran");
    assertEquals(runs ? Decision.ASK : Decision.ALLOW, ruling("git " + subcommand));
  }

  @Test
  void aHookThatGitStatusRunsMakesItAsk() throws Exception {
    Path hooks = Files.createDirectories(dir.resolve("hooks"));
    Path hook = hooks.resolve("post-index-change");
    Files.writeString(hook, "#!/bin/sh\ntouch " + marker + "\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    git("config", "core.hooksPath", hooks.toString());
    // git status writes the index (and so runs the hook) only when it refreshed an entry: a file
    // whose time changed but not its content makes it do so whatever the clock's second was.
    Path attributes = repo.resolve(".gitattributes");
    Files.setLastModifiedTime(
        attributes, FileTime.fromMillis(Files.getLastModifiedTime(attributes).toMillis() - 60_000));
    git("status");
    assertTrue(Files.exists(marker), "git status ran the hook");
    assertEquals(Decision.ASK, ruling("git status"));
    git("config", "--unset", "core.hooksPath");
    assertEquals(Decision.ALLOW, ruling("git status"));
    Files.copy(hook, repo.resolve(".git/hooks/post-index-change"));
    assertEquals(Decision.ASK, ruling("git status"), "the repository's own hooks too");
  }

  @Test
  void aShellAliasFlagsAndAFolderTheRulesCannotKnowAsk() throws Exception {
    git("config", "alias.st", "!touch " + marker);
    assertEquals(Decision.ASK, ruling("git status"));
    git("config", "--unset", "alias.st");
    assertEquals(Decision.ASK, ruling("git log --output=out.txt"));
    assertEquals(Decision.ASK, ruling("git log -p --ext-diff"));
    assertEquals(Decision.ASK, ruling("cd $X && git status"));
    Path sub = Files.createDirectories(repo.resolve("sub"));
    assertEquals(Decision.ALLOW, ruling("cd sub && git status"));
    ProcessBuilder pb = new ProcessBuilder("git", "init", "-q").directory(sub.toFile());
    pb.environment().putAll(env);
    pb.start().waitFor();
    Files.writeString(sub.resolve(".git/config"), "[core]\n\tfsmonitor = touch " + marker + "\n");
    assertEquals(Decision.ASK, ruling("cd sub && git status"), "the folder it moves to");
    assertEquals(Decision.ASK, ruling("git -C sub status"));
  }

  /**
   * A signed commit (signed by a stand-in for gpg) and a {@code gpg} in a PATH folder: git runs
   * that gpg for {@code git log} once {@code log.showSignature} is set, or for {@code
   * --show-signature} and the {@code %G} formats.
   */
  @Test
  void signatureVerificationRunsTheGpgFoundInPathSoItAsks() throws Exception {
    // A stand-in signer, given to the one signing commit only; the gpg in PATH leaves a mark. Both
    // read what git writes them first: one that exits before git has written fails the signing.
    Path signer = dir.resolve("sign");
    Files.writeString(
        signer,
        "#!/bin/sh\ncat > /dev/null\necho '[GNUPG:] SIG_CREATED ' >&2\n"
            + "printf -- '-----BEGIN PGP SIGNATURE-----\\n\\nx\\n-----END PGP SIGNATURE-----\\n'\n");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path gpg =
        Files.writeString(bin.resolve("gpg"), "#!/bin/sh\ntouch " + marker + "\ncat > /dev/null\n");
    for (Path p : List.of(signer, gpg)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    env =
        Map.of(
            "PATH",
            bin + ":" + System.getenv("PATH"),
            "HOME",
            dir.toString(),
            "GIT_CONFIG_NOSYSTEM",
            "1");
    git("-c", "gpg.program=" + signer, "commit", "-qam", "signed", "-S");
    assertEquals(Decision.ALLOW, ruling("git log"));
    git("log", "--show-signature", "-1");
    assertTrue(Files.exists(marker), "git ran the gpg in PATH (and the commit is signed)");
    assertEquals(Decision.ASK, ruling("git log --show-signature -1"));
    assertEquals(Decision.ASK, ruling("git log --format=%G? -1"));
    Files.delete(marker);
    git("config", "log.showSignature", "true");
    git("log", "-1");
    assertTrue(Files.exists(marker), "git ran the gpg in PATH for a plain log");
    assertEquals(Decision.ASK, ruling("git log -1"));
  }
}
