-- agentcli schema, version 1.
--
-- Times are ISO-8601 UTC text with milliseconds, always 24 characters: 2026-11-26T22:36:30.123Z.
-- That one form is readable in the sqlite3 shell and sorts and compares correctly as text, so
-- "expires_at > now" is a plain string comparison; SQLite's own clock gives the same form with
-- strftime('%Y-%m-%dT%H:%M:%fZ', 'now'). CHECK constraints refuse any other form, so a time can
-- never be unparsable (a grant whose expiry cannot be read never expires: not here).

CREATE TABLE grants (
  approval_id               TEXT    NOT NULL PRIMARY KEY
                            CHECK (length(approval_id) = 32 AND approval_id NOT GLOB '*[^0-9a-f]*'),
  record_version            INTEGER NOT NULL,
  workflow_id               TEXT    NOT NULL,
  task_id                   TEXT    NOT NULL,
  task_hash                 TEXT    NOT NULL CHECK (task_hash GLOB 'sha256:*'),
  task_binding              TEXT    NOT NULL CHECK (json_valid(task_binding)),
  risk_level                TEXT,
  approver_scope            TEXT,
  approver                  TEXT    NOT NULL CHECK (approver <> ''),
  reason                    TEXT,
  granted_at                TEXT    NOT NULL
                            CHECK (granted_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  expires_at                TEXT    NOT NULL
                            CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  unsigned_explicit         INTEGER NOT NULL CHECK (unsigned_explicit IN (0, 1)),
  signature_method          TEXT,
  signature_key_fingerprint TEXT,
  signature_namespace       TEXT,
  signed_payload            TEXT,
  signature                 TEXT,
  -- State columns, set in the same transaction as the consumptions / revocations row.
  consumed_at               TEXT,
  revoked_at                TEXT,
  CHECK (expires_at > granted_at)
) STRICT;

-- The claim looks only at live grants of one task: a partial index keeps it as cheap with a million
-- consumed or revoked grants as with ten, and the expires_at key skips expired ones by range.
CREATE INDEX grants_claimable
  ON grants (workflow_id, task_id, task_hash, expires_at)
  WHERE consumed_at IS NULL AND revoked_at IS NULL;

CREATE INDEX grants_by_granted_at ON grants (granted_at);

-- One row per use of a grant. UNIQUE: a grant can be consumed once, whatever the code does.
CREATE TABLE consumptions (
  id           INTEGER PRIMARY KEY,
  approval_id  TEXT NOT NULL UNIQUE REFERENCES grants (approval_id),
  execution_id TEXT NOT NULL,
  consumed_at  TEXT NOT NULL
) STRICT;

CREATE TABLE revocations (
  id          INTEGER PRIMARY KEY,
  approval_id TEXT NOT NULL UNIQUE REFERENCES grants (approval_id),
  revoked_by  TEXT,
  reason      TEXT,
  revoked_at  TEXT NOT NULL
) STRICT;

CREATE TABLE audit_events (
  id           INTEGER PRIMARY KEY,
  occurred_at  TEXT NOT NULL,
  event_type   TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
  code         TEXT,
  workflow_id  TEXT,
  task_id      TEXT,
  task_hash    TEXT,
  approval_id  TEXT,
  execution_id TEXT,
  actor        TEXT,
  details      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;

CREATE INDEX audit_events_by_approval ON audit_events (approval_id) WHERE approval_id IS NOT NULL;
CREATE INDEX audit_events_by_execution ON audit_events (execution_id) WHERE execution_id IS NOT NULL;

-- Every grant with its effective status, computed at query time from SQLite's clock:
-- revoked > consumed > expired > pending.
CREATE VIEW grant_status AS
SELECT
  CASE
    WHEN g.revoked_at IS NOT NULL THEN 'revoked'
    WHEN g.consumed_at IS NOT NULL THEN 'consumed'
    WHEN g.expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'expired'
    ELSE 'pending'
  END AS status,
  g.approval_id, g.workflow_id, g.task_id, g.approver, g.reason, g.granted_at, g.expires_at,
  g.consumed_at, c.execution_id, g.revoked_at, r.revoked_by, g.risk_level, g.approver_scope,
  g.unsigned_explicit, g.task_hash
FROM grants g
LEFT JOIN consumptions c ON c.approval_id = g.approval_id
LEFT JOIN revocations r ON r.approval_id = g.approval_id;

-- The last statement of every migration: a marker the CLI reads in microseconds to skip Flyway
-- when the schema is current.
PRAGMA user_version = 1;
