-- Tamper evidence for the audit trail: every event stores the hash of the event before it and its
-- own hash over its canonical content (a hash chain; see `agentcli audit verify`). Events written
-- before this migration have neither and are reported as unchained.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN event_hash TEXT;

-- A refused claim explains itself with the task's most recent grants: this keeps that look-up as
-- cheap with a million grants of history as with ten.
CREATE INDEX grants_by_task ON grants (workflow_id, task_id, granted_at);

PRAGMA user_version = 2;
