package dev.agentcli.rules;

import java.nio.file.Path;

/** The shell whose reading is followed. */
public enum ShellDialect {
  /** GNU bash: {@code $'...'}, {@code [[ ]]}, {@code <<<}, process substitution, {@code &>}. */
  BASH,
  /** A POSIX shell (dash, Debian's sh): bash's extensions are refused, not guessed at. */
  POSIX;

  /**
   * The reading of the shell at {@code program} (a real path, so {@code sh} is what it links to); a
   * shell the reader does not follow is {@code command_unparsable}.
   */
  public static ShellDialect of(Path program) {
    String name = program.getFileName().toString();
    return switch (name) {
      case "bash" -> BASH;
      case "dash" -> POSIX;
      default ->
          throw ShellParser.unparsable(
              "",
              "agentcli reads lines for bash and dash (Debian's sh) only, and "
                  + program
                  + " is neither");
    };
  }
}
