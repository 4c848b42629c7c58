package dev.agentcli.manifest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApproverScopeTest {
  static ApproverScope scope(String text) {
    return ApproverScope.parse(text).orElseThrow();
  }

  @Test
  void exactFormsAdmitOnlyThatPrincipal() {
    for (String form : new String[] {"alice", "principal:alice", "user:alice", "exact:alice"}) {
      assertTrue(scope(form).admits("alice"), form);
      assertFalse(scope(form).admits("Alice"), form);
      assertFalse(scope(form).admits("alice2"), form);
    }
  }

  @Test
  void domainAdmitsItsAddressesIgnoringCase() {
    ApproverScope d = scope("domain:Example.com");
    assertTrue(d.admits("bob@example.com"));
    assertTrue(d.admits("BOB@EXAMPLE.COM"));
    assertFalse(d.admits("bob@evilexample.com"));
    assertFalse(d.admits("example.com"));
    assertFalse(d.admits("bob@example.com.evil"));
  }

  @Test
  void malformedScopesAreRejected() {
    for (String bad : new String[] {"", " alice", "team:x", "domain:", "domain:a@b.c", "user:"}) {
      assertTrue(ApproverScope.parse(bad).isEmpty(), bad);
    }
  }
}
