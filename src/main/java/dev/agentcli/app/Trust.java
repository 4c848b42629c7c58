package dev.agentcli.app;

import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.config.OperatorConfig;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import dev.agentcli.request.Requester;
import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.AllowedSignersFile;
import java.util.Map;

/**
 * Who may sign: the trust store's two files ({@code allowed_signers} and {@code allowed_passkeys}
 * beside it), the grant verifier over them, and the names a requester may therefore not take.
 */
public final class Trust {
  private final Settings settings;

  Trust(Settings settings) {
    this.settings = settings;
  }

  public AllowedSignersFile allowedSigners() {
    return new AllowedSignersFile(settings.allowedSigners());
  }

  /** The passkeys trusted to sign: {@code allowed_passkeys} beside {@code allowed_signers}. */
  public AllowedPasskeys allowedPasskeys() {
    return new AllowedPasskeys(settings.allowedSigners().resolveSibling("allowed_passkeys"));
  }

  /** Whether a passkey must sign a grant of {@code riskLevel} with its user verified. */
  public boolean passkeyMustVerify(String riskLevel) {
    return verifier().needsUserVerification(riskLevel);
  }

  /** The check of a grant's or a decision's signature against the trust store, read when used. */
  GrantVerifier verifier() {
    return new GrantVerifier(
        allowedSigners()::read,
        allowedPasskeys(),
        settings
            .operator()
            .map(OperatorConfig::userVerifiedRisks)
            .orElse(OperatorConfig.DEFAULT_USER_VERIFIED_RISKS));
  }

  /** The one-time links that enrol passkeys, in the home folder. */
  public PasskeyEnrolments passkeyEnrolments() {
    return new PasskeyEnrolments(settings.home().resolve("passkey-enrolments"));
  }

  /**
   * Where OS users are kept apart (the operator's deployment) the OS user is who asks: a label the
   * caller chose ({@code --requester}, {@code AGENTCLI_REQUESTER}) is only a label, and may not
   * name a principal of the trust store (a key's or a passkey's), or an agent could ask in a
   * person's name.
   */
  public void refuseImpersonation(Requester requester) {
    if (settings.operator().isEmpty() || requester.principal().equals(requester.osUser())) {
      return;
    }
    if (allowedSigners().read().entries().stream().anyMatch(e -> e.names(requester.principal()))
        || !allowedPasskeys().of(requester.principal()).isEmpty()) {
      throw new AgentCliException(
          ErrorCode.REQUESTER_REFUSED,
          "the requester label "
              + requester.principal()
              + " names a principal of the trust store: a request is asked by OS user "
              + requester.osUser()
              + ", and a label may not be a person's name",
          Map.of("requester", requester.principal(), "os_user", requester.osUser()));
    }
  }
}
