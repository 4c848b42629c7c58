package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.signing.AllowedPasskeys;
import dev.agentcli.signing.AllowedSigners;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class SignersListCommand extends BaseCommand {

  @Override
  void declare(Definition d) {
    d.text(
        "List the trusted keys with their principals and namespaces, and the passkeys"
            + " (allowed_passkeys) with their principal and origin.");
  }

  SignersListCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    List<Map<String, Object>> signers =
        services.trust().allowedSigners().read().entries().stream()
            .map(SignersListCommand::view)
            .toList();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    result.put("allowed_signers", services.trust().allowedSigners().path().toString());
    result.put("count", signers.size());
    result.put("signers", signers);
    List<Map<String, Object>> passkeys =
        services.trust().allowedPasskeys().read().stream().map(SignersListCommand::view).toList();
    result.put("allowed_passkeys", services.trust().allowedPasskeys().path().toString());
    result.put("passkeys", passkeys);
    print(
        result,
        out -> {
          Output.table(
              out, signers, List.of("principals", "key_type", "key_fingerprint", "namespaces"));
          if (!passkeys.isEmpty()) {
            out.println();
            Output.table(
                out,
                passkeys,
                List.of("principal", "key_fingerprint", "origin", "verify_required"));
          }
        });
    return 0;
  }

  static Map<String, Object> view(AllowedPasskeys.Passkey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("line", k.line());
    m.put("principal", k.principal());
    m.put("key_type", "passkey");
    m.put("key_fingerprint", k.fingerprint());
    m.put("origin", k.origin());
    m.put("verify_required", k.verifyRequired());
    return m;
  }

  static Map<String, Object> view(AllowedSigners.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("line", e.line());
    m.put("principals", e.principals());
    m.put("key_type", e.key().type());
    m.put("key_fingerprint", e.key().fingerprint());
    m.put("namespaces", e.namespaces());
    m.put("cert_authority", e.certAuthority());
    m.put("security_key", e.key().securityKey());
    m.put("verify_required", e.verifyRequired());
    return m;
  }
}
