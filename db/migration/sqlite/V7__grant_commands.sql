-- What the approver of a grant was shown: the command with its values (a secret_env variable as a
-- digest), as approve printed it. Not signed and not what the gate checks (the binding is): it lets
-- approvals show say what was approved, and the show checks it still hashes to the grant's binding.
-- A grant that answers a request has none here: the request's own command is what was shown.
CREATE TABLE grant_commands (
  approval_id TEXT NOT NULL PRIMARY KEY REFERENCES grants (approval_id),
  command     TEXT NOT NULL CHECK (json_valid(command))
) STRICT;

PRAGMA user_version = 7;
