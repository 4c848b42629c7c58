package dev.agentcli.cli;

import dev.agentcli.app.Context;
import dev.agentcli.app.Services;
import dev.agentcli.audit.AuditFeed;
import dev.agentcli.config.OperatorConfig;
import dev.agentcli.config.StrictModes;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.signing.AllowedSigners;
import dev.agentcli.store.Database;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class StatusCommand extends BaseCommand {

  @Override
  void declare(Definition d) {
    d.text(
        "Say where things are: the home, the database (and its schema version and events), the"
            + " trust store, the operator configuration, the manifests folder, the command rules,"
            + " the JDK; and warn about anything unusual (a database that does not exist, an empty"
            + " trust store, a schema edited by hand). Creates nothing.",
        "Exits 0, also with warnings; 78 when the operator configuration is not usable.");
  }

  StatusCommand(Context ctx) {
    super(ctx);
  }

  @Override
  int run(Services services) {
    List<String> warnings = new ArrayList<>();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", true);
    Optional<OperatorConfig> config = services.config();
    Map<String, Object> operator = new LinkedHashMap<>();
    operator.put("path", ctx.operatorConfig().toString());
    operator.put("in_force", config.isPresent());
    // Every file and folder it rests on passed the StrictModes check (else nothing gets here).
    config.ifPresent(
        c -> operator.put("checked", StrictModes.check(c).stream().map(Path::toString).toList()));
    config.ifPresent(c -> operator.put("task_user", c.taskUser()));
    if (config.isPresent() && config.get().taskUser() != null) {
      // Checked as whoever runs status: an approver's status cannot act as the task user.
      try {
        services.taskUser();
        operator.put("task_user_checked", true);
      } catch (AgentCliException e) {
        operator.put("task_user_checked", false);
        warnings.add(e.getMessage());
      }
    }
    result.put("operator_config", operator);
    if (config.isEmpty()) {
      Path home = services.settings().home();
      result.put("home", home.toString());
      if (!Files.isDirectory(home)) {
        warnings.add("the home " + home + " does not exist (is --home or AGENTCLI_HOME right?)");
      }
    }

    Map<String, Object> database = new LinkedHashMap<>();
    Path dbPath = services.settings().dbPath();
    boolean server = services.settings().server().isPresent();
    database.put("kind", server ? "postgresql" : "sqlite");
    database.put("path", services.settings().storeName());
    // Opened only when it is there: the read commands' note on a missing database would say again
    // what the warning below says. A server is asked whether it holds agentcli's tables.
    Optional<AuditFeed> feed =
        server || Files.exists(dbPath, LinkOption.NOFOLLOW_LINKS)
            ? services.existingFeed()
            : Optional.empty();
    database.put("exists", server ? feed.isPresent() : Files.exists(dbPath));
    database.put("schema_version", null);
    database.put("known_schema_version", Database.SCHEMA_VERSION);
    if (feed.isPresent()) {
      database.put("schema_version", Database.SCHEMA_VERSION);
      database.put("last_event_id", feed.get().lastId());
      List<String> tampering = services.existingSchemaTampering();
      if (!tampering.isEmpty()) {
        warnings.add("the database schema was edited: " + tampering.get(0));
      }
    } else {
      warnings.add(
          "no database at "
              + services.settings().storeName()
              + ": nothing was ever recorded here (is this the right home?)");
    }
    result.put("database", database);

    Map<String, Object> trust = new LinkedHashMap<>();
    Path signers = services.trust().allowedSigners().path();
    trust.put("path", signers.toString());
    trust.put("exists", Files.exists(signers));
    try {
      AllowedSigners read = services.trust().allowedSigners().read();
      trust.put("keys", read.entries().size());
      if (read.entries().isEmpty()) {
        warnings.add("the trust store " + signers + " trusts no key: no signed grant verifies");
      }
    } catch (AgentCliException unreadable) {
      trust.put("keys", null);
      warnings.add(unreadable.getMessage());
    }
    result.put("trust_store", trust);
    result.put("manifests", services.settings().manifests().toString());
    Map<String, Object> rules = new LinkedHashMap<>();
    try {
      var r = services.rules();
      rules.put(
          "source",
          config.isPresent()
              ? ctx.operatorConfig() + " (rules)"
              : services.settings().rulesFile().toString());
      rules.put("rules", r.rules().size());
      rules.put("default", r.fallback().id());
    } catch (AgentCliException unreadable) {
      warnings.add(unreadable.getMessage());
    }
    result.put("command_rules", rules);
    Map<String, Object> java = new LinkedHashMap<>();
    java.put("version", System.getProperty("java.version"));
    java.put("home", System.getProperty("java.home"));
    java.put("launcher", ctx.env().get("AGENTCLI_LAUNCHER"));
    result.put("java", java);
    result.put("warnings", warnings);
    print(
        result,
        out -> {
          Output.text(out, result);
        });
    warnings.forEach(w -> err().println("agentcli: warning: " + w));
    err().flush();
    return 0;
  }
}
