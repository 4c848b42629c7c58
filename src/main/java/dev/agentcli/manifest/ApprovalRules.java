package dev.agentcli.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A task's {@code approval} block as it applies: the effective policy, the scopes that may approve
 * (empty: anyone), the longest lifetime of a grant, the risk level, and whether grants that are
 * unsigned by choice are accepted ({@code "signature": "optional"}; the default is required).
 *
 * @param requestTimeoutS how long people have to decide a request ({@code request_timeout_s})
 * @param maxUses how many runs one approval may be good for ({@code max_uses}, default 1)
 * @param quorum how many distinct people (distinct principals with distinct keys) must approve one
 *     run ({@code quorum}, default 1)
 */
public record ApprovalRules(
    Policy policy,
    List<ApproverScope> approverScope,
    long timeoutS,
    String riskLevel,
    boolean unsignedAllowed,
    long requestTimeoutS,
    int quorum,
    int maxUses) {

  /** Used when the block gives no {@code timeout_s}, as in the Node tool. */
  public static final long DEFAULT_TIMEOUT_S = 3600;

  /**
   * How long people have to decide a request when the block gives no {@code request_timeout_s}. Not
   * part of the binding: it says how long to wait for a decision, not what runs.
   */
  public static final long DEFAULT_REQUEST_TIMEOUT_S = 1800;

  /**
   * The block's fields, as the manifest writes them and a binding records them (the manifest also
   * accepts the Node tool's {@code required}, which says nothing {@code policy} does not).
   */
  public static final List<String> FIELDS =
      List.of(
          "approver_scope", "max_uses", "policy", "quorum", "risk_level", "signature", "timeout_s");

  /** The most runs one approval may be good for. */
  public static final int MAX_USES = 1000;

  /** The most approvers a quorum may ask for. */
  public static final int MAX_QUORUM = 10;

  /** Rules no grant meets: what a binding that cannot be read is judged by. */
  static final ApprovalRules NONE_MET =
      new ApprovalRules(Policy.NONE, List.of(), 0, null, false, DEFAULT_REQUEST_TIMEOUT_S, 1, 1);

  public ApprovalRules {
    approverScope = List.copyOf(approverScope);
  }

  /** These rules under another policy. */
  public ApprovalRules withPolicy(Policy other) {
    return new ApprovalRules(
        other,
        approverScope,
        timeoutS,
        riskLevel,
        unsignedAllowed,
        requestTimeoutS,
        quorum,
        maxUses);
  }

  /** The scopes as the manifest writes them, comma-separated ("" when anyone may approve). */
  public String scopeText() {
    return String.join(",", approverScope.stream().map(ApproverScope::text).toList());
  }

  /**
   * This block as a binding records it: each of {@link #FIELDS}, in that order ({@code quorum} only
   * above 1, so that every binding made before quorums existed keeps its hash).
   */
  public Map<String, Object> bound() {
    Map<String, Object> m = new TreeMap<>();
    m.put("approver_scope", approverScope.stream().map(ApproverScope::text).toList());
    m.put("policy", policy.id());
    if (quorum > 1) {
      m.put("quorum", quorum);
    }
    if (maxUses > 1) {
      m.put("max_uses", maxUses);
    }
    m.put("risk_level", riskLevel);
    m.put("signature", unsignedAllowed ? "optional" : "required");
    m.put("timeout_s", timeoutS);
    return m;
  }

  /** The rules a binding recorded with {@link #bound}; empty when they cannot be read. */
  public static Optional<ApprovalRules> fromBound(Object block) {
    if (block instanceof Map<?, ?> m
        && m.get("policy") instanceof String policy
        && m.get("timeout_s") instanceof Number timeout
        && m.get("approver_scope") instanceof List<?> scopes) {
      List<ApproverScope> parsed = new ArrayList<>();
      for (Object s : scopes) {
        Optional<ApproverScope> scope = ApproverScope.parse(String.valueOf(s));
        if (scope.isEmpty()) {
          return Optional.empty();
        }
        parsed.add(scope.get());
      }
      return Optional.of(
          new ApprovalRules(
              Policy.parse(policy).orElse(Policy.NONE),
              parsed,
              timeout.longValue(),
              m.get("risk_level") instanceof String risk ? risk : null,
              "optional".equals(m.get("signature")),
              DEFAULT_REQUEST_TIMEOUT_S,
              m.get("quorum") instanceof Number q ? q.intValue() : 1,
              m.get("max_uses") instanceof Number u ? u.intValue() : 1));
    }
    return Optional.empty();
  }

  /** Whether {@code principal} may approve: any scope admits it, or no scope is set. */
  public boolean admits(String principal) {
    return approverScope.isEmpty() || approverScope.stream().anyMatch(s -> s.admits(principal));
  }
}
