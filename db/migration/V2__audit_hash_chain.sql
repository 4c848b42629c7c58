-- Tamper evidence for the audit trail: every event stores the hash of the event before it and its
-- own hash over its canonical content (a hash chain; see `agentcli audit verify`). Events written
-- before this migration have neither and are reported as unchained.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN event_hash TEXT;

PRAGMA user_version = 2;
