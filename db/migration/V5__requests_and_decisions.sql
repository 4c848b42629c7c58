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
-- denial) > expired (its deadline passed) > pending. The CLI checks the signatures besides, and
-- a quorum: a request whose grant still waits for co-signatures is pending there.
CREATE VIEW request_status AS
SELECT
  CASE
    WHEN EXISTS (SELECT 1 FROM grants g WHERE g.request_id = r.request_id) THEN 'approved'
    WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = r.request_id) THEN 'denied'
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
