package dev.agentcli.app;

import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Cosigning;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantCheck;
import dev.agentcli.approval.GrantPayload;
import dev.agentcli.approval.GrantSigner;
import dev.agentcli.audit.AnchorFile;
import dev.agentcli.audit.AuditFeed;
import dev.agentcli.audit.AuditLog;
import dev.agentcli.config.OperatorConfig;
import dev.agentcli.config.StrictModes;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.exec.GatedExec;
import dev.agentcli.exec.TaskRunner;
import dev.agentcli.exec.TaskUser;
import dev.agentcli.manifest.FileDigests;
import dev.agentcli.manifest.ManifestLoader;
import dev.agentcli.manifest.TaskEnvironment;
import dev.agentcli.request.RequestService;
import dev.agentcli.request.Waiting;
import dev.agentcli.rules.Rules;
import dev.agentcli.signing.SshKeygenSigner;
import dev.agentcli.signing.TrustStore;
import dev.agentcli.store.Database;
import dev.agentcli.store.JdbcAuditLog;
import dev.agentcli.store.JdbcLedger;
import dev.agentcli.store.JdbcRequestStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wires one process's services to the database, trust store and manifests folder: the operator
 * configuration's when it exists (and then nothing of the caller's may point elsewhere), else the
 * global options'. The database is opened on first use, so commands that never need it never touch
 * it.
 */
public final class Services implements AutoCloseable {
  private final Context ctx;
  private final Settings settings;
  private GrantSigner signerOverride;
  private final Stores stores;
  private final Notifying notifying;
  private final Trust trust;
  // Each service is built once, on the one database connection, and held for the process.
  private ApprovalService approvals;
  private Cosigning cosigning;
  private RequestService requests;
  private GatedExec gatedExec;

  public Services(Context ctx, Settings settings) {
    this.ctx = ctx;
    this.settings = settings;
    this.stores = new Stores(ctx, settings);
    this.trust = new Trust(settings);
    this.notifying = new Notifying(ctx, settings, stores, this::existingRequests);
  }

  /** Where the state lives and what this process runs under. */
  public Settings settings() {
    return settings;
  }

  /** The operator configuration, read once; {@code config_invalid} when it is not usable. */
  public Optional<OperatorConfig> config() {
    return settings.operator();
  }

  /** See {@link Settings#refuseOverrides}. */
  public void refuseOverrides() {
    settings.refuseOverrides();
  }

  /** Records a refused override in the operator's audit trail (best effort: the refusal stands). */
  public void auditRefusedOverride(String command, AgentCliException refusal) {
    try {
      audit().append(OperatorConfig.overrideRefused(ctx.clock().instant(), command, refusal));
    } catch (AgentCliException unrecorded) {
      // The database is not usable: the refusal is still reported and still holds.
    }
  }

  public ManifestLoader manifests() {
    return new ManifestLoader(ctx.cwd(), settings.manifests(), ctx.stdin(), config().isPresent());
  }

  /** See {@link Settings#taskEnv(TaskEnvironment)}. */
  public Map<String, String> taskEnv(TaskEnvironment manifest) {
    return settings.taskEnv(manifest);
  }

  /** See {@link Settings#inheritedEnv}. */
  public Map<String, String> inheritedEnv() {
    return settings.inheritedEnv();
  }

  /**
   * The rules for commands no manifest declares: the operator's, else {@code <home>/rules.json};
   * without either, every such command needs a person.
   */
  public Rules rules() {
    return config().map(OperatorConfig::rules).orElseGet(() -> Rules.read(settings.rulesFile()));
  }

  /**
   * Writes the starter rules to {@link Settings#rulesFile} when no rules exist there, in
   * single-user mode (an operator's rules are the operator's); the file written, if one was.
   */
  public Optional<Path> writeStarterRules() {
    return config().isPresent() ? Optional.empty() : Rules.writeStarter(settings.rulesFile());
  }

  /** The anchors file (see {@link Settings#anchors}). */
  public AnchorFile anchors() {
    return new AnchorFile(settings.anchors());
  }

  /** The services on the database, created if missing. */
  public ApprovalService approvals() {
    if (approvals == null) {
      Database d = database();
      approvals =
          new ApprovalService(
              new JdbcLedger(d),
              ctx.clock(),
              ctx::random,
              new GrantCheck(trust.verifier(), settings.unsignedPermitted()),
              signer(),
              anchors());
    }
    return approvals;
  }

  /**
   * The services on the database only if it exists: for commands that only read, so that a look at
   * an empty home creates nothing.
   */
  public Optional<ApprovalService> existingApprovals() {
    return existingDatabase().map(d -> approvals());
  }

  /**
   * What the approver of {@code g} was shown (the command with its values): the request's, for a
   * grant that answers one; else what approve kept with it. Empty when nothing was kept.
   */
  public Optional<Map<String, Object>> shownFor(Grant g) {
    return stores.shownFor(g);
  }

  /** The audit trail as a feed of new events, only if the database exists. */
  public Optional<AuditFeed> existingFeed() {
    return existingDatabase().map(JdbcAuditLog::new);
  }

  public Optional<AuditLog> existingAudit() {
    return existingDatabase().map(JdbcAuditLog::new);
  }

  /** How the existing database's schema differs from the migrations'; empty without one. */
  public List<String> existingSchemaTampering() {
    return existingDatabase().map(Database::tampering).orElse(List.of());
  }

  /** Digests of the files a binding covers, remembered in the database when there is one. */
  public FileDigests fileDigests() {
    return stores.fileDigests();
  }

  /** Keeps the digests this command read for the next run: called once its own write succeeded. */
  public void rememberDigests() {
    stores.rememberDigests();
  }

  /** The audit trail, on the database created if missing. */
  public AuditLog audit() {
    return new JdbcAuditLog(database());
  }

  /** The gated run, built (and its task user checked) once for the process. */
  public GatedExec gatedExec() {
    if (gatedExec == null) {
      gatedExec =
          new GatedExec(
              approvals(), audit(), new TaskRunner(taskUser()), ctx::random, this::notifyCommitted);
    }
    return gatedExec;
  }

  /**
   * The user tasks run as, checked to be unable to change what the gate rests on; null when the
   * operator names none (or there is no operator configuration): agentcli's own user.
   */
  public TaskUser taskUser() {
    OperatorConfig c = config().orElse(null);
    if (c == null || c.taskUser() == null) {
      return null;
    }
    TaskUser user = new TaskUser(c.taskUser());
    List<Path> state = new ArrayList<>(StrictModes.check(c));
    if (c.database() != null) {
      for (String suffix : List.of("-wal", "-shm", "-journal")) {
        state.add(Path.of(c.database() + suffix));
      }
    }
    user.checkCannotTouch(
        state, c.databasePasswordFile() == null ? List.of() : List.of(c.databasePasswordFile()));
    return user;
  }

  /** Who may sign, and the names a requester may therefore not take. */
  public Trust trust() {
    return trust;
  }

  /** The trust store's changes and their audit, on the database created if missing. */
  public TrustStore trustStore() {
    return new TrustStore(
        trust.allowedSigners(),
        trust.allowedPasskeys(),
        audit(),
        ctx.clock(),
        GrantPayload.NAMESPACE);
  }

  /**
   * Has decisions made through these services signed by {@code signer} instead of the person's SSH
   * key: the web inbox's passkey ceremony. Before the first use of {@link #requests} or {@link
   * #approvals}.
   */
  public void signingWith(GrantSigner signer) {
    this.signerOverride = signer;
  }

  private GrantSigner signer() {
    if (signerOverride != null) {
      return signerOverride;
    }
    PrintStream person = new PrintStream(ctx.stderr(), true, StandardCharsets.UTF_8);
    return new SshKeygenSigner(ctx.env(), person::println)::sign;
  }

  /** Requests and their decisions, on the database created if missing. */
  public RequestService requests() {
    if (requests == null) {
      Database d = database();
      requests =
          new RequestService(
              new JdbcLedger(d),
              new JdbcRequestStore(d),
              approvals(),
              cosigning(),
              trust.verifier(),
              signer(),
              ctx.clock(),
              ctx::random,
              settings.selfApprovalExceptions());
    }
    return requests;
  }

  /** Co-signing grants whose task asks for a quorum, on the database created if missing. */
  public Cosigning cosigning() {
    if (cosigning == null) {
      cosigning =
          new Cosigning(
              new JdbcLedger(database()),
              new GrantCheck(trust.verifier(), settings.unsignedPermitted()),
              signer(),
              ctx.clock());
    }
    return cosigning;
  }

  /** Waiting for a request's decision. */
  public Waiting waiting() {
    return new Waiting(requests(), new JdbcRequestStore(database()), ctx.clock(), ctx.pause());
  }

  /** Requests only if the database exists: for commands that only read. */
  public Optional<RequestService> existingRequests() {
    return existingDatabase().map(d -> requests());
  }

  /**
   * The approver's OS user where OS users are kept apart (the operator's deployment), so that it is
   * compared with the requester's; empty in single-user mode, where both are the same.
   */
  public Optional<String> approverOsUser() {
    return config().isPresent() ? Optional.of(Caller.osUser(ctx)) : Optional.empty();
  }

  private Database database() {
    return stores.database();
  }

  private Optional<Database> existingDatabase() {
    return stores.existing();
  }

  /** What {@link #copyStoreTo} did: the stores' names and the rows copied per table. */
  public record Copied(String from, String to, Map<String, Long> rows) {}

  /**
   * Copies this store into the new store {@code target} (a SQLite file or a PostgreSQL URL, its
   * password from PGPASSWORD or the driver's files).
   */
  public Copied copyStoreTo(String target) {
    return stores.copyTo(target);
  }

  /**
   * Whether a filed request reaches anyone by itself: a notification target told of {@code
   * approval_requested}. A notification configuration that cannot be read counts as none.
   */
  public boolean requestsReachSomeone() {
    return notifying.reachSomeone();
  }

  /**
   * Sends the notifications of what this command committed so far (a request filed: before it
   * waits), and audits the deliveries that have ended.
   */
  public void notifyCommitted() {
    notifying.committed(false);
  }

  /** A reminder that a request's deadline is near. */
  public void notifyExpiring(RequestService.State state) {
    notifying.expiring(state);
  }

  @Override
  public void close() {
    try {
      notifying.committed(true);
    } catch (AgentCliException notifyBroken) {
      // What happened stands; nobody was told of it, and the caller hears why.
      stores.say("agentcli: warning: no notifications sent: " + notifyBroken.getMessage() + "\n");
    } finally {
      stores.close();
    }
  }
}
