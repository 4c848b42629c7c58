package dev.agentcli.rules;

import java.util.List;

/**
 * A shell command line as far as a rule needs to see it: every simple command it could run
 * (including those inside substitutions, here-documents' substitutions and scripts given to {@code
 * sh -c} or {@code eval}), and whether it is more than one plain command.
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
   * @param never why no rule may ever surely allow it (a builtin that rebinds names or evaluates
   *     its arguments, a program run by a wrapper, a flag that runs code), or null
   * @param probe not a command of its own but a guess at one that another runs (the words after
   *     {@code env}, {@code timeout}, {@code find -exec}...): only a deny or ask rule counts for it
   */
  public record SimpleCommand(
      List<Word> words, boolean assigns, boolean writesFile, String never, boolean probe) {
    public SimpleCommand {
      words = List.copyOf(words);
    }

    public SimpleCommand(List<Word> words, boolean assigns, boolean writesFile) {
      this(words, assigns, writesFile, Programs.never(words), false);
    }

    /** Whether the shell runs exactly these words: nothing expands, nothing is set or written. */
    public boolean certain() {
      return certainButForGlobs() && words.stream().noneMatch(Word::dynamic);
    }

    /** As {@link #certain}, but for the words that expand (judged one by one by an allow). */
    public boolean certainButForGlobs() {
      return !assigns && !writesFile && never == null && !probe;
    }

    /** The words as text, for messages. */
    public String text() {
      return String.join(" ", words.stream().map(Word::text).toList());
    }
  }
}
