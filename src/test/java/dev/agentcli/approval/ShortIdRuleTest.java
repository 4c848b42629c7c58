package dev.agentcli.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortIdRuleTest {
  static final List<String> IDS =
      List.of(
          "deadbeef00000000000000000000000a",
          "deadbeef00000000000000000000000b",
          "0123456789abcdef0123456789abcdef");

  static List<String> startingWith(String prefix, int limit) {
    return IDS.stream().filter(i -> i.startsWith(prefix)).sorted().limit(limit).toList();
  }

  @Test
  void aUniquePrefixIsTheIdAndASharedOneListsItsMatches() {
    assertEquals(IDS.get(2), ShortId.APPROVAL.resolve("01234567", ShortIdRuleTest::startingWith));
    AgentCliException shared =
        assertThrows(
            AgentCliException.class,
            () -> ShortId.APPROVAL.resolve("deadbeef", ShortIdRuleTest::startingWith));
    assertEquals(ErrorCode.APPROVAL_ID_AMBIGUOUS, shared.code());
    assertEquals(List.of(IDS.get(0), IDS.get(1)), shared.details().get("matches"));
    assertTrue(shared.getMessage().contains(IDS.get(0)));
    assertEquals(
        ErrorCode.APPROVAL_NOT_FOUND,
        assertThrows(
                AgentCliException.class,
                () -> ShortId.APPROVAL.resolve("ffffffff", ShortIdRuleTest::startingWith))
            .code());
    assertEquals(
        ErrorCode.INPUT_INVALID,
        assertThrows(
                AgentCliException.class,
                () -> ShortId.APPROVAL.resolve("deadbee", ShortIdRuleTest::startingWith))
            .code());
  }
}
