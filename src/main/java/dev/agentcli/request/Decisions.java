package dev.agentcli.request;

import dev.agentcli.approval.ApprovalService;
import dev.agentcli.approval.ApproveRequest;
import dev.agentcli.approval.Cosigning;
import dev.agentcli.approval.Grant;
import dev.agentcli.approval.GrantSigner;
import dev.agentcli.approval.GrantVerifier;
import dev.agentcli.approval.Ledger;
import dev.agentcli.approval.Principal;
import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.SignerChoice;
import dev.agentcli.approval.Subject;
import dev.agentcli.approval.Verdict;
import dev.agentcli.error.AgentCliException;
import dev.agentcli.error.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * A person's decision on a request: an approval (a grant of the request's own binding, or a
 * co-signature of a quorum's grant) or a signed denial, each refused when the request is not
 * pending, was edited, or is the approver's own.
 */
final class Decisions {
  private final RequestService service;
  private final Ledger ledger;
  private final RequestStore requests;
  private final ApprovalService approvals;
  private final Cosigning cosigning;
  private final GrantVerifier verifier;
  private final GrantSigner signer;
  private final Clock clock;

  Decisions(
      RequestService service,
      Ledger ledger,
      RequestStore requests,
      ApprovalService approvals,
      Cosigning cosigning,
      GrantVerifier verifier,
      GrantSigner signer,
      Clock clock) {
    this.service = service;
    this.ledger = ledger;
    this.requests = requests;
    this.approvals = approvals;
    this.cosigning = cosigning;
    this.verifier = verifier;
    this.signer = signer;
    this.clock = clock;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** See {@link RequestService#approve}. */
  Grant approve(
      RequestId requestId,
      String approver,
      Optional<String> approverOsUser,
      Optional<Duration> ttl,
      String reason,
      SignerChoice signerChoice,
      Optional<Path> key,
      int uses) {
    Principal.of(approver, "--by");
    RequestService.State s = service.state(requestId);
    requirePending(s);
    refuseSelfApproval(s.request(), approver, approverOsUser);
    refuseIfEdited(s.request());
    if (s.grant().isPresent()) {
      // A quorum: the first approver wrote the grant; each further one co-signs it.
      cosigning.cosign(s.grant().get().approvalId(), approver, key);
      return s.grant().get();
    }
    ApprovalService.Approval approval =
        approvals.prepare(
            new ApproveRequest(
                s.request().subject(),
                approver,
                reason,
                ttl,
                signerChoice,
                key,
                Optional.of(requestId),
                uses));
    // Decided while the signature was made? Then this approval does not count.
    ledger.atomic(
        () -> {
          RequestService.State now = service.state(requestId);
          requirePending(now);
          if (now.grant().isPresent()) {
            throw new AgentCliException(
                ErrorCode.REQUEST_NOT_PENDING,
                "request "
                    + requestId
                    + " was approved by someone else meanwhile; approve it again to add yours",
                Map.of("request_id", requestId.value(), "status", "awaiting more approvals"));
          }
          approvals.record(approval, Map.of());
        });
    return approval.grant();
  }

  /** See {@link RequestService#deny}. */
  Denial deny(RequestId requestId, String decider, String reason, Optional<Path> key) {
    Principal.of(decider, "--by");
    if (reason == null || reason.isBlank()) {
      throw new AgentCliException(ErrorCode.INPUT_INVALID, "--reason is required to deny");
    }
    RequestService.State s = service.state(requestId);
    requirePending(s);
    Subject subject = s.request().subject();
    if (!subject.rules().admits(decider)) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_SCOPE_MISMATCH,
          "'"
              + decider
              + "' may not decide task "
              + subject.qualifiedId()
              + " (approver_scope "
              + subject.rules().scopeText()
              + ")",
          Map.of("decider", decider, "approver_scope", subject.rules().scopeText()));
    }
    Instant now = now();
    Denial unsigned = new Denial(requestId, decider, reason, now, subject.taskHash(), null);
    Denial signed = unsigned.withSignature(signer.signature(unsigned.payload(), key));
    Verdict v = verifier.verifySigned(signed.signature(), signed.payload(), decider, now);
    if (!v.valid()) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_SIGNATURE_INVALID,
          "the denial would not count, nothing was written: " + v.reason(),
          Map.of("key_fingerprint", String.valueOf(v.keyFingerprint())));
    }
    ledger.atomic(
        () -> {
          RequestService.State current = service.state(requestId);
          requirePending(current);
          requests.insert(signed);
          ledger.audit().append(RequestEvents.denied(s.request(), signed));
          // A request half approved (a quorum not yet met): its grant dies with the veto, so
          // that no later co-signature can revive it.
          current
              .grant()
              .ifPresent(
                  g -> approvals.revoke(g.approvalId(), decider, "request denied: " + reason));
        });
    return signed;
  }

  /** A request whose shown command is not what it binds was edited: nobody may approve it. */
  private static void refuseIfEdited(Request r) {
    Optional<String> field = WhatRuns.mismatch(r.command(), r.subject().bindingJson());
    if (field.isPresent()) {
      throw new AgentCliException(
          ErrorCode.APPROVAL_TAMPERED,
          "request "
              + r.requestId()
              + " shows another "
              + field.get()
              + " than it binds: the database was edited, so it cannot be approved",
          Map.of("request_id", r.requestId().value(), "field", field.get()));
    }
  }

  static void requirePending(RequestService.State s) {
    if (s.status() != RequestStatus.PENDING) {
      throw new AgentCliException(
          ErrorCode.REQUEST_NOT_PENDING,
          "request " + s.request().requestId() + " is " + s.status().id() + ", not pending",
          Map.of("request_id", s.request().requestId().value(), "status", s.status().id()));
    }
  }

  private void refuseSelfApproval(Request r, String approver, Optional<String> approverOsUser) {
    // Where OS users are kept apart they say who asked (a label is the caller's to choose);
    // elsewhere the principal does.
    boolean same =
        approverOsUser
            .map(r.requester().osUser()::equals)
            .orElseGet(() -> approver.equals(r.requester().principal()));
    if (same && !service.selfApproves(approver)) {
      throw new AgentCliException(
          ErrorCode.SELF_APPROVAL_REFUSED,
          "request "
              + r.requestId()
              + " was made by "
              + r.requester().principal()
              + " (OS user "
              + r.requester().osUser()
              + "): who asks may not approve",
          Map.of("request_id", r.requestId().value(), "requester", r.requester().principal()));
    }
  }
}
