package dev.agentcli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentcli.TestGrants;
import dev.agentcli.approval.ApprovalId;
import dev.agentcli.approval.ClaimRequest;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantQuery;
import dev.agentcli.approval.GrantStatus;
import dev.agentcli.codec.Timestamps;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One table of cases, four answers that must agree on a grant's status: {@link Grant#status} (the
 * rule), the store's SQL for a given time, the {@code grant_status} view people query with sqlite3,
 * and the claim's test of liveness (a grant is claimable only while pending).
 */
class GrantStatusAgreementTest {
  @TempDir Path dir;

  /** A case: what is set on a grant, relative to now, and the status it must have. */
  record Case(
      String name, Duration expiresIn, boolean consumed, boolean revoked, GrantStatus want) {}

  static final List<Case> CASES =
      List.of(
          new Case("live", Duration.ofHours(1), false, false, GrantStatus.PENDING),
          new Case("expired", Duration.ofHours(-1), false, false, GrantStatus.EXPIRED),
          new Case(
              "expiring at this very moment", Duration.ZERO, false, false, GrantStatus.EXPIRED),
          new Case("used", Duration.ofHours(1), true, false, GrantStatus.CONSUMED),
          new Case("used, then expired", Duration.ofHours(-1), true, false, GrantStatus.CONSUMED),
          new Case("withdrawn", Duration.ofHours(1), false, true, GrantStatus.REVOKED),
          new Case(
              "withdrawn, then expired", Duration.ofHours(-1), false, true, GrantStatus.REVOKED),
          new Case("used and withdrawn", Duration.ofHours(1), true, true, GrantStatus.REVOKED));

  @Test
  void theRuleTheStoreTheViewAndTheClaimAgree() {
    // The view reads the real clock, so the cases are set against it.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try (Database db = Database.open(dir.resolve("agentcli.db"), Duration.ofSeconds(5))) {
      JdbcApprovalStore store = new JdbcApprovalStore(db);
      Map<String, Grant> grants = new LinkedHashMap<>();
      for (Case c : CASES) {
        Grant g =
            TestGrants.with(
                TestGrants.pending(now.minus(Duration.ofHours(2)), Duration.ofHours(2)),
                Map.of(
                    "task_id",
                    "task-" + grants.size(),
                    "expires_at",
                    Timestamps.format(now.plus(c.expiresIn()))));
        store.insert(g);
        // Written as a use and a revocation are, straight into the tables (the service's checks
        // would refuse a revocation after a use, which the schema still has to describe).
        if (c.consumed()) {
          store.consume(g, new dev.agentcli.approval.ExecutionId("x"), now.minusSeconds(1));
        }
        if (c.revoked()) {
          store.revoke(g, "sec", "test", now.minusSeconds(1));
        }
        grants.put(c.name(), store.find(g.approvalId()).orElseThrow());
      }
      for (Case c : CASES) {
        Grant g = grants.get(c.name());
        ApprovalId id = g.approvalId();
        assertEquals(c.want(), g.status(now), c.name() + ": the rule");
        assertEquals(c.want().id(), viewStatus(db, id), c.name() + ": the grant_status view");
        GrantQuery byTask =
            new GrantQuery(Optional.of(c.want()), Optional.of("wf"), Optional.of(g.taskId()), 10);
        assertEquals(
            List.of(id),
            store.list(byTask, now).stream().map(Grant::approvalId).toList(),
            c.name() + ": the store's status at a given time");
        try (Stream<Grant> live =
            store.claimable(
                new ClaimRequest("wf", g.taskId(), g.taskHash(), Optional.empty()), now)) {
          assertEquals(
              c.want() == GrantStatus.PENDING,
              live.anyMatch(x -> x.approvalId().equals(id)),
              c.name() + ": claimable exactly while pending");
        }
      }
    }
  }

  static String viewStatus(Database db, ApprovalId id) {
    return db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT status FROM grant_status WHERE approval_id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getString(1);
            }
          }
        });
  }
}
