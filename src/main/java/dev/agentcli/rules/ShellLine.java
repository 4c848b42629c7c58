package dev.agentcli.rules;

import java.util.List;

/**
 * A shell command line as far as a rule needs to see it: every simple command it could run
 * (including those inside substitutions), and whether it is more than one plain command.
 *
 * @param compound more than one command, a command or process substitution, or a redirection that
 *     writes a file
 */
public record ShellLine(List<SimpleCommand> commands, boolean compound) {

  public ShellLine {
    commands = List.copyOf(commands);
  }

  /**
   * One word after quote removal; {@code dynamic} when the shell would expand it to something else.
   */
  public record Word(String text, boolean dynamic) {}

  /**
   * One command: its words (the program first), and what makes it more than its words.
   *
   * @param assigns it sets variables for the program ({@code FOO=bar cmd})
   * @param writesFile one of its redirections writes a file (not a descriptor, not /dev/null)
   */
  public record SimpleCommand(List<Word> words, boolean assigns, boolean writesFile) {
    public SimpleCommand {
      words = List.copyOf(words);
    }

    /** Whether the shell runs exactly these words: nothing expands, nothing is set or written. */
    public boolean certain() {
      return !assigns && !writesFile && words.stream().noneMatch(Word::dynamic);
    }

    /** The words as text, for messages. */
    public String text() {
      return String.join(" ", words.stream().map(Word::text).toList());
    }
  }
}
