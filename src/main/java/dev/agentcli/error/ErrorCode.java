package dev.agentcli.error;

import java.util.Locale;

/**
 * Every failure agentcli reports: a stable {@code lower_snake} id that never changes once shipped,
 * the kind of failure, and the exit status it owns.
 */
public enum ErrorCode {
  USAGE_ERROR("usage", 2),
  TERMINAL_REQUIRED("usage", 2),
  INPUT_INVALID("input", 65),
  STORE_NOT_EMPTY("input", 65),
  MANIFEST_INVALID("input", 65),
  RULES_INVALID("input", 65),
  NOTIFY_INVALID("input", 65),
  COMMAND_UNPARSABLE("input", 65),
  TASK_NOT_FOUND("input", 65),
  TASK_AMBIGUOUS("input", 65),
  APPROVAL_NOT_FOUND("input", 65),
  APPROVAL_ID_AMBIGUOUS("input", 65),
  REQUEST_NOT_FOUND("input", 65),
  REQUEST_ID_AMBIGUOUS("input", 65),
  REQUEST_NOT_PENDING("state", 65),
  APPROVAL_NOT_PENDING("state", 65),
  APPROVAL_ALREADY_CONSUMED("state", 65),
  APPROVAL_ALREADY_REVOKED("state", 65),
  APPROVAL_TTL_TOO_LONG("input", 65),
  APPROVAL_USES_TOO_MANY("input", 65),
  ALLOWED_SIGNERS_INVALID("input", 65),
  SIGNER_NOT_FOUND("input", 65),
  AUDIT_CHAIN_BROKEN("integrity", 65),
  MANIFEST_NOT_FOUND("not_found", 66),
  SIGNING_KEY_NOT_FOUND("not_found", 66),
  MANIFEST_UNREADABLE("not_found", 66),
  CWD_NOT_FOUND("not_found", 66),
  UNSAFE_PATH("storage", 66),
  INTERNAL_ERROR("internal", 70),
  DATABASE_ERROR("storage", 70),
  DATABASE_NEWER_THAN_BUILD("storage", 70),
  DATABASE_FULL("storage", 70),
  DATABASE_TAMPERED("integrity", 70),
  DATABASE_TLS_FAILED("storage", 70),
  DATABASE_AUTH_FAILED("storage", 70),
  APPROVAL_LOCK_TIMEOUT("lock", 75),
  DATABASE_UNAVAILABLE("storage", 75),
  APPROVAL_TIMED_OUT("lock", 75),
  APPROVAL_REQUIRED("gate", 77),
  APPROVAL_AUTO_REJECTED("gate", 77),
  POLICY_FORBIDS_APPROVAL("gate", 77),
  APPROVAL_SCOPE_MISMATCH("gate", 77),
  APPROVAL_SIGNATURE_INVALID("gate", 77),
  APPROVAL_TAMPERED("gate", 77),
  APPROVAL_POLICY_VIOLATED("gate", 77),
  APPROVAL_DENIED("gate", 77),
  REQUEST_EXPIRED("gate", 77),
  REQUEST_CANCELLED("gate", 77),
  SELF_APPROVAL_REFUSED("gate", 77),
  REQUESTER_REFUSED("gate", 77),
  QUORUM_NOT_DISTINCT("gate", 77),
  CONFIG_OVERRIDE_REFUSED("gate", 77),
  CONFIG_INVALID("config", 78),
  TASK_TIMED_OUT("exec", 124),
  PROGRAM_NOT_EXECUTABLE("exec", 126),
  PROGRAM_NOT_FOUND("exec", 127);

  private final String errorType;
  private final int exitStatus;

  ErrorCode(String errorType, int exitStatus) {
    this.errorType = errorType;
    this.exitStatus = exitStatus;
  }

  /** The stable id printed as {@code code}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The broad kind printed as {@code error_type}: usage, input, gate, lock, storage, exec... */
  public String errorType() {
    return errorType;
  }

  public int exitStatus() {
    return exitStatus;
  }
}
