package dev.agentcli.approval;

import dev.agentcli.manifest.ApprovalRules;
import dev.agentcli.manifest.Policy;
import java.time.Duration;
import java.util.Optional;

/**
 * The policy rules a grant must meet when it is claimed, whatever wrote it: approve checks them
 * too, but a grant can be written by other means and signed by any trusted key, so the claim checks
 * them again against the task's approval block.
 */
final class GrantRules {
  private GrantRules() {}

  /** The first rule {@code g} breaks under {@code rules}, or empty when it meets them all. */
  static Optional<Verdict> broken(Grant g, ApprovalRules rules) {
    if (rules.policy() != Policy.MANUAL) {
      return Optional.of(
          Verdict.broke(
              "policy",
              "the task's policy is " + rules.policy().id() + ", not manual: no grant applies",
              null));
    }
    if (!rules.admits(g.approver())) {
      return Optional.of(
          Verdict.broke(
              "approver_scope",
              "'"
                  + g.approver()
                  + "' may not approve this task (approver_scope "
                  + rules.scopeText()
                  + ")",
              null));
    }
    Duration life = Duration.between(g.grantedAt(), g.expiresAt());
    if (life.compareTo(Duration.ofSeconds(rules.timeoutS())) > 0) {
      return Optional.of(
          Verdict.broke(
              "timeout_s",
              "the grant lives "
                  + life.toSeconds()
                  + "s, longer than the task allows (approval.timeout_s "
                  + rules.timeoutS()
                  + ")",
              null));
    }
    if (g.uses() > rules.maxUses()) {
      return Optional.of(
          Verdict.broke(
              "max_uses",
              "the grant is good for "
                  + g.uses()
                  + " runs, more than the task allows (approval.max_uses "
                  + rules.maxUses()
                  + ")",
              null));
    }
    return Optional.empty();
  }
}
