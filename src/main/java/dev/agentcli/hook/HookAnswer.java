package dev.agentcli.hook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the hook answers Claude Code on stdout: allow, deny or ask with a reason (shown to the model
 * on deny, to the user on ask), and for allow the tool input to run instead; or no opinion at all,
 * for a tool the hook does not judge.
 */
public record HookAnswer(String decision, String reason, Map<String, Object> updatedInput) {

  public static HookAnswer allow(String reason, Map<String, Object> updatedInput) {
    return new HookAnswer("allow", reason, updatedInput);
  }

  /** Claude Code's own prompt decides; {@code reason} is shown to the user there. */
  public static HookAnswer ask(String reason) {
    return new HookAnswer("ask", reason, null);
  }

  public static HookAnswer deny(String reason) {
    return new HookAnswer("deny", reason, null);
  }

  /** No decision: Claude Code's own permission rules apply. */
  public static HookAnswer none() {
    return new HookAnswer(null, null, null);
  }

  /** The documented JSON: {@code hookSpecificOutput} with the decision, or an empty object. */
  public Map<String, Object> json() {
    Map<String, Object> root = new LinkedHashMap<>();
    if (decision == null) {
      return root;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hookEventName", "PreToolUse");
    out.put("permissionDecision", decision);
    out.put("permissionDecisionReason", reason);
    if (updatedInput != null) {
      out.put("updatedInput", updatedInput);
    }
    root.put("hookSpecificOutput", out);
    return root;
  }
}
