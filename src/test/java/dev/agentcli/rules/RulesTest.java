package dev.agentcli.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentcli.codec.Json;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RulesTest {
  static final Rules RULES =
      Rules.of(
          Json.parseObject(
              """
              {"rules": [
                {"match": "git status", "decision": "allow"},
                {"match": "git log *", "decision": "allow"},
                {"match": "ls *", "decision": "allow"},
                {"match": "echo *", "decision": "allow"},
                {"match": "rm -rf *", "decision": "deny", "reason": "never"},
                {"match": "git push *", "decision": "ask",
                 "approval": {"risk_level": "high", "quorum": 2}}
              ]}
              """),
          "test");

  static Decision judge(String line) {
    return RULES.judge(ShellParser.parse(line)).decision();
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "=>",
      value = {
        "git status=>ALLOW",
        "git status --short=>ASK",
        "git log --oneline -3=>ALLOW",
        "git log=>ALLOW",
        "ls -la /tmp=>ALLOW",
        "/usr/bin/ls=>ASK",
        "./ls=>ASK",
        "ls *=>ASK",
        "ls $HOME=>ASK",
        "LD_PRELOAD=/tmp/x.so ls=>ASK",
        "echo hi > /etc/passwd=>ASK",
        "echo hi 2>&1=>ALLOW",
        "rm -rf /=>DENY",
        "/bin/rm -rf /=>DENY",
        "\\rm -rf /=>DENY",
        "rm $FLAGS /=>DENY",
        "$CMD -rf /=>DENY",
        "echo ok; rm -rf /=>DENY",
        "echo $(rm -rf /)=>DENY",
        "ls && git push origin main=>ASK",
        "git push --force=>ASK",
        "git pushx=>ASK",
        "curl x | grep y=>ASK",
        "make=>ASK",
      })
  void aLineGetsItsStrictestCommandsRuling(String line, Decision expected) {
    assertEquals(expected, judge(line), line);
  }

  @Test
  void anAskRuleSaysHowToAsk() {
    Ruling r = RULES.judge(ShellParser.parse("git push origin main"));
    assertEquals("git push *", r.rule());
    assertEquals(2, r.approval().quorum());
    assertEquals("high", r.approval().riskLevel());
    Ruling fallback = RULES.judge(ShellParser.parse("make"));
    assertEquals("default", fallback.rule());
    assertEquals(1, fallback.approval().quorum());
  }

  @Test
  void noRulesMeansEveryCommandAsksAndAnEmptyLineIsDenied() {
    assertEquals(Decision.ASK, Rules.NONE.judge(ShellParser.parse("ls")).decision());
    assertEquals(Decision.DENY, Rules.NONE.judge(ShellParser.parse("  ")).decision());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"default\": \"allow\"}",
        "{\"rules\": [{\"match\": \"ls\"}]}",
        "{\"rules\": [{\"match\": \"\", \"decision\": \"allow\"}]}",
        "{\"rules\": [{\"match\": \"ls\", \"decision\": \"allow\", \"approval\": {}}]}",
        "{\"rules\": [{\"match\": \"ls\", \"decision\": \"ask\", \"approval\": {\"policy\": \"manual\"}}]}",
        "{\"rules\": [{\"match\": \"ls\", \"decision\": \"ask\", \"approval\": {\"quorum\": 0}}]}",
        "{\"rules\": [{\"match\": \"ls\", \"decision\": \"ask\", \"aproval\": {}}]}",
        "{\"rulez\": []}",
        "[]",
      })
  void rulesThatCannotBeReadExactlyAreRefused(String json) {
    AgentCliException e =
        assertThrows(
            AgentCliException.class,
            () ->
                Rules.of(json.startsWith("[") ? java.util.List.of() : Json.parseObject(json), "t"));
    assertEquals(ErrorCode.RULES_INVALID, e.code(), json);
  }
}
