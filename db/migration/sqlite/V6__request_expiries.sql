-- A request that expired undecided, recorded once, by whichever agentcli process saw it first (a
-- waiting agent, agentcli watch), in the same transaction as its request_expired audit event: so
-- that the trail and its watchers see an expiry as they see a decision.
CREATE TABLE request_expiries (
  request_id  TEXT NOT NULL PRIMARY KEY REFERENCES requests (request_id),
  recorded_at TEXT NOT NULL
              CHECK (recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9]Z')
) STRICT;

CREATE INDEX requests_by_expiry ON requests (expires_at);

PRAGMA user_version = 6;
