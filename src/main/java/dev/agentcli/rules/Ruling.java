package dev.agentcli.rules;

import dev.agentcli.manifest.ApprovalRules;

/**
 * What the rules say of a whole command line: the decision, the rule that made it (its pattern, or
 * {@code default}), the command it was about, and for {@code ask} the approval to ask for.
 */
public record Ruling(
    Decision decision, String rule, String command, String reason, ApprovalRules approval) {}
