package dev.agentcli.app;

import dev.agentcli.error.AgentCliException;

/** What a person new to agentcli has not done yet, for the hook and {@code hook install} to say. */
public final class FirstUse {
  /** The step that makes a person's SSH key trusted, for {@link #nobodyTrusted}. */
  public static final String TRUST_YOUR_KEY = "agentcli signers add <you> ~/.ssh/id_ed25519.pub";

  private FirstUse() {}

  /**
   * Whether nobody can sign an approval yet: single-user mode with a trust store that trusts no key
   * (the state right after install). First use then needs one step more, {@link #TRUST_YOUR_KEY}.
   */
  public static boolean nobodyTrusted(Services services) {
    try {
      return services.config().isEmpty()
          && services.trust().allowedSigners().read().entries().isEmpty();
    } catch (AgentCliException unreadable) {
      return false; // its own error comes where it is used
    }
  }
}
