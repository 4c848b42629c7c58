-- agentcli schema, version 5: the agent asks, people decide, the agent waits.
--
-- A request is one task binding an agent asked to run, computed in the agent's own environment,
-- with who asked and until when it may be decided. People decide it: an approval writes a grant of
-- the request's binding (grants.request_id names the request it answers), a denial is a signed
-- row in decisions. An undecided request expires at its deadline and counts as denied.

CREATE TABLE requests (
  request_id        TEXT    NOT NULL PRIMARY KEY
                    CHECK (length(request_id) = 32 AND request_id NOT GLOB '*[^0-9a-f]*'),
  workflow_id       TEXT    NOT NULL,
  task_id           TEXT    NOT NULL,
  task_hash         TEXT    NOT NULL CHECK (task_hash GLOB 'sha256:*'),
  -- The canonical binding (values as hashes): what an approval signs.
  task_binding      TEXT    NOT NULL CHECK (json_valid(task_binding)),
  -- What will run, with the values, as shown to the person deciding.
  command           TEXT    NOT NULL CHECK (json_valid(command)),
  manifest          TEXT,
  manifest_sha256   TEXT,
  risk_level        TEXT,
  reason            TEXT,
  -- Who asked: a principal (the --requester label, else the OS user), and where from.
  requester         TEXT    NOT NULL CHECK (requester <> ''),
  requester_os_user TEXT    NOT NULL,
  requester_host    TEXT    NOT NULL,
  requester_pid     INTEGER NOT NULL,
  requested_at      TEXT    NOT NULL
                    CHECK (requested_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  -- The deadline: undecided after it, the request is expired, which counts as denied.
  expires_at        TEXT    NOT NULL
                    CHECK (expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  -- Set when the agent withdrew the request before anyone decided it.
  cancelled_at      TEXT
                    CHECK (cancelled_at IS NULL OR cancelled_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  CHECK (expires_at > requested_at)
) STRICT;

-- Finding the pending request of one binding (to join it) looks only at that binding's requests.
CREATE INDEX requests_by_binding ON requests (workflow_id, task_id, task_hash, requested_at);

-- One row per person's denial of a request, signed like a grant (SSHSIG over signed_payload).
CREATE TABLE decisions (
  id                        INTEGER PRIMARY KEY,
  request_id                TEXT    NOT NULL REFERENCES requests (request_id),
  decider                   TEXT    NOT NULL CHECK (decider <> ''),
  decision                  TEXT    NOT NULL CHECK (decision IN ('deny')),
  reason                    TEXT    NOT NULL CHECK (reason <> ''),
  decided_at                TEXT    NOT NULL
                            CHECK (decided_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  signature_method          TEXT,
  signature_key_fingerprint TEXT,
  signature_namespace       TEXT,
  signed_payload            TEXT,
  signature                 TEXT,
  UNIQUE (request_id, decider)
) STRICT;

ALTER TABLE grants ADD COLUMN request_id TEXT REFERENCES requests (request_id);

-- Bounded reuse: a grant good for max_uses runs of its binding (NULL: one). Each use is its own
-- consumptions row, numbered; UNIQUE (approval_id, use) keeps each number used once, and
-- consumed_at is set with the last use.
ALTER TABLE grants ADD COLUMN max_uses INTEGER CHECK (max_uses IS NULL OR max_uses >= 2);

DROP VIEW grant_status;

CREATE TABLE consumptions_by_use (
  id           INTEGER PRIMARY KEY,
  approval_id  TEXT    NOT NULL REFERENCES grants (approval_id),
  use          INTEGER NOT NULL DEFAULT 1 CHECK (use >= 1),
  execution_id TEXT    NOT NULL,
  consumed_at  TEXT    NOT NULL,
  UNIQUE (approval_id, use)
) STRICT;
INSERT INTO consumptions_by_use (id, approval_id, use, execution_id, consumed_at)
  SELECT id, approval_id, 1, execution_id, consumed_at FROM consumptions;
DROP TABLE consumptions;
ALTER TABLE consumptions_by_use RENAME TO consumptions;

-- Every grant with its effective status, computed at query time from SQLite's clock:
-- revoked > consumed (its last use taken) > expired > pending; with the uses taken and left, and
-- the execution of the latest use.
CREATE VIEW grant_status AS
SELECT
  CASE
    WHEN g.revoked_at IS NOT NULL THEN 'revoked'
    WHEN g.consumed_at IS NOT NULL THEN 'consumed'
    WHEN g.expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'expired'
    ELSE 'pending'
  END AS status,
  g.approval_id, g.workflow_id, g.task_id, g.approver, g.reason, g.granted_at, g.expires_at,
  g.consumed_at,
  (SELECT c.execution_id FROM consumptions c WHERE c.approval_id = g.approval_id
    ORDER BY c.use DESC LIMIT 1) AS execution_id,
  g.revoked_at, r.revoked_by, g.risk_level, g.approver_scope, g.unsigned_explicit, g.task_hash,
  coalesce(g.max_uses, 1) AS max_uses,
  (SELECT count(*) FROM consumptions c WHERE c.approval_id = g.approval_id) AS uses_taken
FROM grants g
LEFT JOIN revocations r ON r.approval_id = g.approval_id;

-- A task with approval.quorum N > 1 runs only once N distinct people approved: the grant's own
-- signer, and one co-signature per further approver over the same signed payload. UNIQUE keeps
-- principals and keys distinct; the claim verifies each signature and counts them again.
CREATE TABLE grant_cosignatures (
  id                        INTEGER PRIMARY KEY,
  approval_id               TEXT    NOT NULL REFERENCES grants (approval_id),
  cosigner                  TEXT    NOT NULL CHECK (cosigner <> ''),
  signed_at                 TEXT    NOT NULL
                            CHECK (signed_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z'),
  signature_method          TEXT    NOT NULL,
  signature_key_fingerprint TEXT    NOT NULL,
  signature_namespace       TEXT    NOT NULL,
  signed_payload            TEXT    NOT NULL,
  signature                 TEXT    NOT NULL,
  UNIQUE (approval_id, cosigner),
  UNIQUE (approval_id, signature_key_fingerprint)
) STRICT;

CREATE INDEX grants_by_request ON grants (request_id) WHERE request_id IS NOT NULL;

-- Every request with its status, from SQLite's clock: approved (a grant answers it) > denied (a
-- denial) > cancelled (withdrawn by who asked) > expired (its deadline passed) > pending. The CLI checks the signatures besides, and
-- a quorum: a request whose grant still waits for co-signatures is pending there.
CREATE VIEW request_status AS
SELECT
  CASE
    WHEN EXISTS (SELECT 1 FROM grants g WHERE g.request_id = r.request_id) THEN 'approved'
    WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = r.request_id) THEN 'denied'
    WHEN r.cancelled_at IS NOT NULL THEN 'cancelled'
    WHEN r.expires_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now') THEN 'expired'
    ELSE 'pending'
  END AS status,
  r.request_id, r.workflow_id, r.task_id, r.requester, r.requester_os_user, r.requester_host,
  r.reason, r.requested_at, r.expires_at, r.task_hash,
  (SELECT g.approval_id FROM grants g WHERE g.request_id = r.request_id) AS approval_id,
  (SELECT g.approver FROM grants g WHERE g.request_id = r.request_id) AS approved_by,
  (SELECT d.decider FROM decisions d WHERE d.request_id = r.request_id ORDER BY d.id LIMIT 1) AS denied_by,
  (SELECT d.reason FROM decisions d WHERE d.request_id = r.request_id ORDER BY d.id LIMIT 1) AS deny_reason
FROM requests r;

PRAGMA user_version = 5;
