package dev.agentcli.request;

import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.Cosigning;
import dev.agentcli.approval.Expiry;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantSigner;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.approval.Ledger;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.ShortId;
import dev.agentcli.approval.SignerChoice;
import dev.agentcli.approval.Subject;
import dev.agentcli.approval.Verdict;
import dev.agentcli.codec.Timestamps;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent asks, people decide, the agent waits: files (or joins) a request for the binding the
 * agent would run, approves it (a grant of exactly that binding) or denies it (a signed denial),
 * and waits for the decision. An undecided request expires at its deadline and counts as denied.
 */
public final class RequestService {
  private final Ledger ledger;
  private final RequestStore requests;
  private final ApprovalService approvals;
  private final Cosigning cosigning;
  private final GrantVerifier verifier;
  private final Clock clock;
  private final Supplier<SecureRandom> random;
  private final Set<String> selfApprovers;
  private final Decisions decisions;

  public RequestService(
      Ledger ledger,
      RequestStore requests,
      ApprovalService approvals,
      Cosigning cosigning,
      GrantVerifier verifier,
      GrantSigner signer,
      Clock clock,
      Supplier<SecureRandom> random,
      Set<String> selfApprovers) {
    this.ledger = ledger;
    this.requests = requests;
    this.approvals = approvals;
    this.cosigning = cosigning;
    this.verifier = verifier;
    this.clock = clock;
    this.random = random;
    this.selfApprovers = Set.copyOf(selfApprovers);
    this.decisions =
        new Decisions(this, ledger, requests, approvals, cosigning, verifier, signer, clock);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * A request filed, or the pending one of the same binding joined.
   *
   * @param expired when the request was filed anew: the last one this requester asked for the same
   *     binding, if it expired undecided (the agent hears so, instead of a new id out of nowhere)
   */
  public record Filed(Request request, boolean joined, Optional<Request> expired) {
    /** What to tell the agent of the request that expired before this one; empty if none. */
    public String expiredNotice() {
      return expired
          .map(
              r ->
                  "request "
                      + r.requestId()
                      + " for the same expired undecided at "
                      + Timestamps.format(r.expiresAt())
                      + ", so "
                      + request.requestId()
                      + " asks anew")
          .orElse("");
    }
  }

  /**
   * Files a request for {@code subject}, or joins the pending one of the same binding, or the one a
   * person denied this requester while it would still be open (its state says so).
   *
   * @param deadline how long people have to decide
   */
  public Filed file(
      Subject subject,
      Map<String, Object> command,
      String reason,
      Requester requester,
      Duration deadline) {
    return ledger.atomic(
        () -> {
          Instant now = now();
          Optional<Request> pending =
              requests.pendingFor(subject.workflowId(), subject.taskId(), subject.taskHash(), now);
          if (pending.isPresent()) {
            return new Filed(pending.get(), true, Optional.empty());
          }
          // A decision sticks: the same requester asking again for what a person denied, while
          // that request runs, joins the denied request, and so hears the denial (who and why)
          // instead of asking people again.
          Optional<Request> denied =
              requests
                  .deniedFor(subject.workflowId(), subject.taskId(), subject.taskHash(), now)
                  .filter(d -> d.requester().principal().equals(requester.principal()))
                  .filter(d -> state(d).status() == RequestStatus.DENIED);
          if (denied.isPresent()) {
            return new Filed(denied.get(), true, Optional.empty());
          }
          Optional<Request> expired =
              requests
                  .expiredFor(subject.workflowId(), subject.taskId(), subject.taskHash(), now)
                  .filter(e -> e.requester().principal().equals(requester.principal()));
          Request r =
              new Request(
                  RequestId.random(random.get()),
                  subject,
                  command,
                  reason,
                  requester,
                  now,
                  now.plus(deadline),
                  null);
          requests.insert(r);
          ledger.audit().append(RequestEvents.requested(r));
          return new Filed(r, false, expired);
        });
  }

  /**
   * A request as it stands: approved when a grant answers it with as many distinct approvers as the
   * task's quorum asks for, denied when a denial that counts does (signed by a trusted key of a
   * decider the task admits), expired past its deadline.
   *
   * @param approvers the distinct people whose approval counts so far
   * @param ignored the denials that do not count, each with why
   */
  public record State(
      Request request,
      RequestStatus status,
      Optional<Grant> grant,
      List<String> approvers,
      List<Denial> denials,
      List<Map<String, Object>> ignored) {
    /** How many distinct approvers the task asks for. */
    public int quorum() {
      return request.subject().rules().quorum();
    }
  }

  public State state(RequestId requestId) {
    return state(
        requests
            .find(requestId)
            .orElseThrow(
                () ->
                    new AgentCliException(
                        ErrorCode.REQUEST_NOT_FOUND,
                        "no request with id " + requestId,
                        Map.of("request_id", requestId.value()))));
  }

  private State state(Request r) {
    RequestId requestId = r.requestId();
    Instant now = now();
    Optional<Grant> grant = ledger.grants().findByRequest(requestId);
    List<Denial> counted = new ArrayList<>();
    List<Map<String, Object>> ignored = new ArrayList<>();
    for (Denial d : requests.denials(requestId)) {
      Optional<String> why = whyNotCounted(r, d, now);
      if (why.isEmpty()) {
        counted.add(d);
      } else {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decider", d.decider());
        m.put("decided_at", Timestamps.format(d.decidedAt()));
        m.put("why", why.get());
        ignored.add(m);
      }
    }
    List<String> approvers = grant.map(cosigning::approvers).orElse(List.of());
    int quorum = r.subject().rules().quorum();
    boolean approved =
        grant.isPresent()
            && (quorum > 1
                ? approvers.size() >= quorum
                : !approvers.isEmpty() || unsigned(grant.get()));
    RequestStatus status =
        approved
            ? RequestStatus.APPROVED
            : !counted.isEmpty()
                ? RequestStatus.DENIED
                : r.cancelledAt() != null
                    ? RequestStatus.CANCELLED
                    : Expiry.passed(r.expiresAt(), now)
                        ? RequestStatus.EXPIRED
                        : RequestStatus.PENDING;
    return new State(r, status, grant, approvers, counted, ignored);
  }

  /**
   * The pending requests {@code person} may decide, oldest first: the task's scope admits them and
   * they did not ask.
   */
  public List<State> decidableBy(String person) {
    List<State> found = new ArrayList<>();
    forEach(
        s -> {
          if (s.status() == RequestStatus.PENDING
              && s.request().subject().rules().admits(person)
              && !s.request().requester().principal().equals(person)
              && !s.approvers().contains(person)) {
            found.add(0, s);
          }
        });
    return found;
  }

  /** Every request as it stands, newest first. */
  public void forEach(Consumer<State> sink) {
    requests.forEach(0, r -> sink.accept(state(r)));
  }

  /** A grant unsigned by choice: it counts as one approval where the task allows it. */
  private static boolean unsigned(Grant g) {
    return g.signature() == null && g.unsignedExplicit();
  }

  /** Why a stored denial does not count, if it does not. */
  private Optional<String> whyNotCounted(Request r, Denial d, Instant now) {
    if (!r.subject().rules().admits(d.decider())) {
      return Optional.of("'" + d.decider() + "' may not decide this task (approver_scope)");
    }
    if (d.signature() == null) {
      return Optional.of("it is not signed");
    }
    Verdict v = verifier.verifySigned(d.signature(), d.payload(), d.decider(), now);
    return v.valid() ? Optional.empty() : Optional.of(v.reason());
  }

  /**
   * Withdraws a pending request: only who asked may (the same principal), and nothing runs on it
   * afterwards. A half-approved request's grant is revoked with it.
   */
  public State cancel(RequestId requestId, String principal) {
    State s = state(requestId);
    Decisions.requirePending(s);
    if (!s.request().requester().principal().equals(principal)) {
      throw new AgentCliException(
          ErrorCode.INPUT_INVALID,
          "request "
              + requestId
              + " was made by "
              + s.request().requester().principal()
              + ": only who asked may withdraw it (people deny instead)",
          Map.of(
              "request_id", requestId.value(), "requester", s.request().requester().principal()));
    }
    ledger.atomic(
        () -> {
          State current = state(requestId);
          Decisions.requirePending(current);
          requests.cancel(requestId, now());
          ledger.audit().append(RequestEvents.cancelled(current.request(), now()));
          current
              .grant()
              .ifPresent(g -> approvals.revoke(g.approvalId(), principal, "request withdrawn"));
        });
    return state(requestId);
  }

  /**
   * Records the expiries nobody has recorded yet (at most 100 at a time), each with its {@code
   * request_expired} event: called by those who watch requests, so that the trail shows an expiry
   * as it shows a decision. Returns how many it recorded.
   */
  public int recordExpiries() {
    if (requests.expiredUnrecorded(now(), 1).isEmpty()) {
      return 0; // the usual case, read without taking the write lock
    }
    return ledger.atomic(
        () -> {
          Instant now = now();
          int recorded = 0;
          for (Request r : requests.expiredUnrecorded(now, 100)) {
            if (state(r).status() == RequestStatus.EXPIRED) {
              requests.recordExpiry(r.requestId(), now);
              ledger.audit().append(RequestEvents.expired(r, now));
              recorded++;
            }
          }
          return recorded;
        });
  }

  /** The full id of the request {@code idOrPrefix} names (a unique prefix is enough). */
  public RequestId resolve(String idOrPrefix) {
    return new RequestId(ShortId.REQUEST.resolve(idOrPrefix, requests::idsStartingWith));
  }

  /**
   * Approves a pending request: a grant of the request's own binding (never one recomputed in the
   * approver's environment), signed by the approver, who may not be the requester.
   *
   * @param approverOsUser the approver's OS user, where OS users are kept apart (the operator's
   *     deployment): it may not be the requester's either (unless the operator names the approver
   *     in {@code self_approval_exceptions})
   */
  public Grant approve(
      RequestId requestId,
      String approver,
      Optional<String> approverOsUser,
      Optional<Duration> ttl,
      String reason,
      SignerChoice signerChoice,
      Optional<Path> key,
      int uses) {
    return decisions.approve(
        requestId, approver, approverOsUser, ttl, reason, signerChoice, key, uses);
  }

  /** Whether {@code approver} may approve what they asked: the operator's exceptions. */
  boolean selfApproves(String approver) {
    return selfApprovers.contains(approver);
  }

  /** Denies a pending request with a signed denial; one denial that counts settles it. */
  public Denial deny(RequestId requestId, String decider, String reason, Optional<Path> key) {
    return decisions.deny(requestId, decider, reason, key);
  }
}
