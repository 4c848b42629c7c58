package dev.agentcli.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellParserTest {
  static List<String> commands(String line) {
    return ShellParser.parse(line).commands().stream().map(ShellLine.SimpleCommand::text).toList();
  }

  @Test
  void aPlainCommandIsItsWordsAfterQuoteRemoval() {
    ShellLine line = ShellParser.parse("git commit -m 'a b' \"c d\" e\\ f");
    assertFalse(line.compound());
    assertEquals(1, line.commands().size());
    ShellLine.SimpleCommand c = line.commands().get(0);
    assertEquals(
        List.of("git", "commit", "-m", "a b", "c d", "e f"),
        c.words().stream().map(ShellLine.Word::text).toList());
    assertTrue(c.certain());
  }

  @Test
  void everyCommandOfACompoundLineIsFound() {
    assertEquals(
        List.of("ls", "rm -rf /", "cat x", "grep y", "echo z", "w"),
        commands("ls; rm -rf / && cat x | grep y || echo z & w"));
    assertTrue(ShellParser.parse("a\nb").compound());
    assertEquals(List.of("a", "b"), commands("a\nb"));
  }

  @Test
  void commandsInsideSubstitutionsAreCommandsOfTheLine() {
    assertEquals(List.of("echo $(rm -rf /)", "rm -rf /"), commands("echo $(rm -rf /)"));
    assertEquals(List.of("echo `curl evil`", "curl evil"), commands("echo `curl evil`"));
    assertEquals(List.of("echo x$(id)", "id"), commands("echo \"x$(id)\""));
    assertEquals(List.of("diff a <(sort b)", "sort b"), commands("diff a <(sort b)"));
    assertEquals(List.of("echo ${x:-$(reboot)}", "reboot"), commands("echo ${x:-$(reboot)}"));
    assertTrue(ShellParser.parse("echo $(id)").compound());
    ShellLine.Word word = ShellParser.parse("echo $(id)").commands().get(0).words().get(1);
    assertTrue(word.dynamic());
  }

  @Test
  void theWordsAfterShellKeywordsAreTheCommand() {
    assertEquals(List.of("true", "rm -rf /tmp/x"), commands("if true; then rm -rf /tmp/x; fi"));
    assertEquals(List.of("sh -c id", "id"), commands("{ sh -c \"id\"; }"));
    assertEquals(List.of("curl x"), commands("(curl x)"));
  }

  @Test
  void redirectionsThatWriteFilesMakeTheLineCompoundButDescriptorsAndDevNullDoNot() {
    assertTrue(ShellParser.parse("echo hi > /etc/passwd").compound());
    assertTrue(ShellParser.parse("echo hi >>log").commands().get(0).writesFile());
    assertTrue(ShellParser.parse("echo hi &> out").compound());
    assertTrue(ShellParser.parse("echo hi > $F").compound());
    assertFalse(ShellParser.parse("make 2>&1").compound());
    assertFalse(ShellParser.parse("make >/dev/null 2>/dev/null").compound());
    assertFalse(ShellParser.parse("sort < in.txt").compound());
    assertEquals(List.of("make"), commands("make 2>&1"));
  }

  @Test
  void expansionsGlobsAndAssignmentsMakeACommandUncertain() {
    for (String line :
        List.of("rm *", "ls ~", "echo $HOME", "ls {a,b}", "X=1 ls", "PAGER='less -R' git log")) {
      assertFalse(ShellParser.parse(line).commands().get(0).certain(), line);
    }
    assertTrue(ShellParser.parse("echo '$HOME' \"*\" a=b").commands().get(0).certain());
    assertEquals(List.of("git log"), commands("PAGER='less -R' git log"));
  }

  @Test
  void commentsAndBlankLinesRunNothing() {
    assertEquals(List.of("ls"), commands("ls # ; rm -rf /"));
    assertEquals(List.of(), commands("  \n # nothing\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"echo 'open", "echo \"open", "echo $(open", "echo `open", "echo ${x", "cat >"})
  void aLineThatCannotBeReadIsRefused(String line) {
    AgentCliException e = assertThrows(AgentCliException.class, () -> ShellParser.parse(line));
    assertEquals(ErrorCode.COMMAND_UNPARSABLE, e.code());
  }

  @Test
  void deepNestingAndHugeLinesAreRefused() {
    String deep = "$(".repeat(100) + "x" + ")".repeat(100);
    assertEquals(
        ErrorCode.COMMAND_UNPARSABLE,
        assertThrows(AgentCliException.class, () -> ShellParser.parse("echo " + deep)).code());
    assertEquals(
        ErrorCode.COMMAND_UNPARSABLE,
        assertThrows(
                AgentCliException.class,
                () -> ShellParser.parse("a".repeat(ShellParser.MAX_LENGTH + 1)))
            .code());
  }

  @Test
  void aShellThatReadsItsScriptFromAPipeOrAFileIsUnreadableButAHereDocumentIsRead() {
    for (String line : List.of("curl x | sh", "bash < script.sh", "sh <<< \"$x\"")) {
      AgentCliException e = assertThrows(AgentCliException.class, () -> ShellParser.parse(line));
      assertEquals(ErrorCode.COMMAND_UNPARSABLE, e.code(), line);
    }
    assertEquals(List.of("sh", "rm -rf /"), commands("sh <<'EOF'\nrm -rf /\nEOF"));
  }

  @Test
  void eachShellIsReadAsItReadsLines() {
    assertEquals(List.of("rm -rf /"), commands("$'\\x72m' -rf /"));
    for (String bashOnly :
        List.of("echo $'x'", "ls &> f", "cat <<< x", "[[ -n x ]]", "diff <(a) b")) {
      AgentCliException e =
          assertThrows(
              AgentCliException.class,
              () -> ShellParser.parse(bashOnly, ShellDialect.POSIX),
              bashOnly);
      assertEquals(ErrorCode.COMMAND_UNPARSABLE, e.code());
    }
  }
}
