#!/usr/bin/env bash
# Per-invocation wall time of exec (gated no-op task, a fresh grant each run, unsigned and signed),
# claim, approve and approvals list, against two baselines measured in the same run: `java
# -version` on the same JDK with the same flags, and the sqlite3 shell doing the same claim
# transaction. Medians of N runs (default 21).
#   bench/invocation.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"
bench_setup

home="$(mktemp -d)"; trap 'rm -rf "$home"' EXIT
export AGENTCLI_HOME="$home"
m="$home/bench.json"
cat >"$m" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "unsigned", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}},
  {"id": "signed", "shell": {"program": "true"}, "approval": {"policy": "manual", "timeout_s": 3600}}]}]}
JSON
ssh-keygen -q -t ed25519 -N "" -C bench -f "$home/key"
"$cli" signers add bench "$home/key.pub" >/dev/null
db="$home/state/agentcli.db"
hash="$("$cli" exec "$m" unsigned --dry-run | sed -n 's/.*"task_hash" : "\(sha256:[0-9a-f]*\)".*/\1/p' | head -1)"
# The claim transaction, done by the sqlite3 shell: the floor for any process that claims.
claim_sql="BEGIN IMMEDIATE;
INSERT INTO consumptions (approval_id, execution_id, consumed_at)
  SELECT approval_id, 'sqlite3', strftime('%Y-%m-%dT%H:%M:%fZ','now') FROM grants
  WHERE workflow_id = 'bench' AND task_id = 'unsigned' AND task_hash = '$hash'
    AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ','now')
  ORDER BY granted_at LIMIT 1;
UPDATE grants SET consumed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
  WHERE approval_id = (SELECT approval_id FROM consumptions WHERE rowid = last_insert_rowid()) AND changes() = 1;
COMMIT;"

declare -A t
for _ in $(seq "$runs"); do
  t[java]+="$(wall_ms "$java" "${jflags[@]}" -version) "
  "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
  t[sqlite3]+="$(wall_ms sqlite3 "$db" "$claim_sql") "
  t[approve]+="$(wall_ms "$cli" approve "$m" unsigned --by bench --signer none) "
  t[exec]+="$(wall_ms "$cli" exec "$m" unsigned) "
  "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
  t[claim]+="$(wall_ms "$cli" claim "$m" unsigned) "
  "$cli" approve "$m" signed --by bench --signing-key "$home/key" >/dev/null
  t[exec_signed]+="$(wall_ms "$cli" exec "$m" signed) "
  t[list]+="$(wall_ms "$cli" approvals list --limit 50) "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
j=$(med java); s=$(med sqlite3)
machine; echo "runs: $runs (medians, ms)"
printf '%-40s %6s\n' "baseline: java -version" "$j" "baseline: sqlite3 shell, claim transaction" "$s"
for k in exec exec_signed claim approve list; do
  v=$(med "$k")
  label="$k"; [[ $k == exec ]] && label="exec, gated, unsigned grant"; [[ $k == exec_signed ]] && label="exec, gated, signed grant (Ed25519)"
  [[ $k == list ]] && label="approvals list"; [[ $k == approve ]] && label="approve (--signer none)"
  printf '%-40s %6s   %5.2f x java -version   %6.1f x sqlite3\n' "$label" "$v" "$(awk -v a="$v" -v b="$j" 'BEGIN{print a/b}')" "$(awk -v a="$v" -v b="$s" 'BEGIN{print a/b}')"
done
