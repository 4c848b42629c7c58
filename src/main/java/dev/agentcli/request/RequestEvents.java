package dev.agentcli.request;

import dev.agentcli.approval.RequestId;
import dev.agentcli.approval.Subject;
import dev.agentcli.audit.AuditEvent;
import dev.agentcli.audit.EventType;
import dev.agentcli.audit.Outcome;
import dev.agentcli.codec.Timestamps;
import java.time.Instant;

/** The audit events of a request's life, one factory method per type. */
final class RequestEvents {
  private RequestEvents() {}

  static AuditEvent requested(Request r) {
    Requester who = r.requester();
    return event(EventType.APPROVAL_REQUESTED, r.requestedAt(), r.subject(), r.requestId())
        .actor(who.principal())
        .detail("os_user", who.osUser())
        .detail("host", who.host())
        .detail("pid", who.pid())
        .detail("reason", r.reason())
        .detail("expires_at", Timestamps.format(r.expiresAt()))
        .build();
  }

  static AuditEvent denied(Request r, Denial d) {
    return event(EventType.REQUEST_DENIED, d.decidedAt(), r.subject(), r.requestId())
        .actor(d.decider())
        .detail("reason", d.reason())
        .detail("key_fingerprint", d.signature().keyFingerprint())
        .build();
  }

  /** Nobody decided before the deadline: a denial, recorded when someone first saw it. */
  static AuditEvent expired(Request r, Instant seenAt) {
    return event(EventType.REQUEST_EXPIRED, seenAt, r.subject(), r.requestId())
        .outcome(Outcome.REFUSED, "request_expired")
        .actor(r.requester().principal())
        .detail("expires_at", Timestamps.format(r.expiresAt()))
        .build();
  }

  static AuditEvent cancelled(Request r, Instant at) {
    return event(EventType.REQUEST_CANCELLED, at, r.subject(), r.requestId())
        .actor(r.requester().principal())
        .build();
  }

  private static AuditEvent.Builder event(
      EventType type, Instant at, Subject s, RequestId requestId) {
    return AuditEvent.builder(type, at)
        .task(s.workflowId(), s.taskId(), s.taskHash().value())
        .detail("request_id", requestId.value())
        .detail("manifest", s.manifest())
        .detail("manifest_sha256", s.manifestSha256());
  }
}
