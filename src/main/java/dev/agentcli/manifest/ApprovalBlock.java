package dev.agentcli.manifest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task's {@code approval} block, or a command rule's: policy, approver scope, how long a grant
 * and a request live, quorum, uses, risk level and signature, each checked with its JSON path.
 */
final class ApprovalBlock {
  private ApprovalBlock() {}

  static final long MAX_TIMEOUT_S = 30L * 24 * 3600;

  private static final Set<String> KEYS = keys();

  private static Set<String> keys() {
    Set<String> keys = new HashSet<>(ApprovalRules.FIELDS);
    keys.add("required");
    keys.add("request_timeout_s");
    return Set.copyOf(keys);
  }

  static ApprovalRules read(Checks c, Object node, String path) {
    if (node == null) {
      return new ApprovalRules(
          Policy.NONE,
          List.of(),
          ApprovalRules.DEFAULT_TIMEOUT_S,
          null,
          false,
          ApprovalRules.DEFAULT_REQUEST_TIMEOUT_S,
          1,
          1);
    }
    if (!(node instanceof Map<?, ?> block)) {
      c.problems.add(new Problem(path, "must be an object"));
      return null;
    }
    c.known(block, KEYS, path);
    // Fail closed: an approval block is a gate unless it says otherwise in so many words.
    Policy policy = Policy.MANUAL;
    Object policyNode = block.get("policy");
    Object required = block.get("required");
    if (required != null && !(required instanceof Boolean)) {
      c.problems.add(
          new Problem(path + ".required", "must be true or false, not " + Checks.show(required)));
    }
    if (policyNode != null) {
      policy = policyNode instanceof String text ? Policy.parse(text).orElse(null) : null;
      if (policy == null) {
        c.problems.add(
            new Problem(
                path + ".policy",
                "must be \"manual\", \"auto-approve\" or \"auto-reject\", not "
                    + Checks.show(policyNode)));
      } else if (Boolean.FALSE.equals(required) && policy == Policy.MANUAL) {
        c.problems.add(
            new Problem(path + ".required", "is false, but the policy is \"manual\": say one"));
      }
    } else if (Boolean.FALSE.equals(required)) {
      policy = Policy.NONE;
    }
    List<ApproverScope> scopes = new ArrayList<>();
    Object scopeNode = block.get("approver_scope");
    if (scopeNode != null) {
      List<?> items = scopeNode instanceof List<?> list ? list : List.of(scopeNode);
      for (int i = 0; i < items.size(); i++) {
        Object item = items.get(i);
        String itemPath =
            scopeNode instanceof List<?>
                ? path + ".approver_scope[" + i + "]"
                : path + ".approver_scope";
        ApproverScope scope =
            item instanceof String text ? ApproverScope.parse(text).orElse(null) : null;
        if (scope == null) {
          c.problems.add(
              new Problem(
                  itemPath,
                  "must be a principal, principal:<p>, user:<p>, exact:<p> or domain:<domain>, not "
                      + Checks.show(item)));
        } else {
          scopes.add(scope);
        }
      }
    }
    long timeoutS = ApprovalRules.DEFAULT_TIMEOUT_S;
    if (block.containsKey("timeout_s")) {
      Long t = c.positive(block.get("timeout_s"), path + ".timeout_s", MAX_TIMEOUT_S);
      timeoutS = t == null ? timeoutS : t;
    }
    long requestTimeoutS = ApprovalRules.DEFAULT_REQUEST_TIMEOUT_S;
    if (block.containsKey("request_timeout_s")) {
      Long t =
          c.positive(block.get("request_timeout_s"), path + ".request_timeout_s", MAX_TIMEOUT_S);
      requestTimeoutS = t == null ? requestTimeoutS : t;
    }
    int quorum = 1;
    if (block.containsKey("quorum")) {
      Long q = c.positive(block.get("quorum"), path + ".quorum", ApprovalRules.MAX_QUORUM);
      quorum = q == null ? quorum : q.intValue();
    }
    int maxUses = 1;
    if (block.containsKey("max_uses")) {
      Long u = c.positive(block.get("max_uses"), path + ".max_uses", ApprovalRules.MAX_USES);
      maxUses = u == null ? maxUses : u.intValue();
    }
    String risk = c.text(block, "risk_level", path, false);
    String signature = c.text(block, "signature", path, false);
    if (signature != null && !signature.equals("required") && !signature.equals("optional")) {
      c.problems.add(
          new Problem(
              path + ".signature",
              "must be \"required\" or \"optional\", not " + Checks.show(signature)));
    }
    return policy == null
        ? null
        : new ApprovalRules(
            policy,
            scopes,
            timeoutS,
            risk,
            "optional".equals(signature),
            requestTimeoutS,
            quorum,
            maxUses);
  }
}
