#!/usr/bin/env bash
# exec and claim latency with 10, 10,000 and 1,000,000 grants of history in the database (consumed,
# revoked and expired grants of the same task, with their consumption and revocation rows), as
# ratios to the 10-grant case measured in the same run. Medians of N runs (default 21).
#   bench/history.sh [runs] [sizes...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"; shift || true
sizes=("${@:-10 10000 1000000}"); read -r -a sizes <<<"${sizes[*]}"
bench_setup

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cat >"$work/bench.json" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "noop", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}}]}]}
JSON

# A home whose database holds $1 grants of history for the bench task.
prepare() {
  local home="$work/h$1"; mkdir -p "$home"
  AGENTCLI_HOME="$home" "$cli" approve "$work/bench.json" noop --by bench --signer none >/dev/null
  local db="$home/state/agentcli.db"
  sqlite3 "$db" "
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
    INSERT INTO grants (approval_id, record_version, workflow_id, task_id, task_hash, task_binding,
                        approver, granted_at, expires_at, unsigned_explicit, consumed_at, revoked_at)
    SELECT printf('%032x', i), 1, g.workflow_id, g.task_id, g.task_hash, g.task_binding, 'history',
           '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.000Z', 1,
           CASE WHEN i % 3 = 0 THEN '2026-01-01T00:30:00.000Z' END,
           CASE WHEN i % 3 = 1 THEN '2026-01-01T00:30:00.000Z' END
    FROM n, (SELECT * FROM grants LIMIT 1) g;
    INSERT INTO consumptions (approval_id, execution_id, consumed_at)
      SELECT approval_id, 'history', consumed_at FROM grants WHERE consumed_at IS NOT NULL;
    INSERT INTO revocations (approval_id, revoked_by, revoked_at)
      SELECT approval_id, 'history', revoked_at FROM grants WHERE revoked_at IS NOT NULL;
    PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  sync # a gigabyte still being written back would slow every fsync of the timed runs
  echo "$home"
}

declare -A ex cl homes
for n in "${sizes[@]}"; do
  homes[$n]="$(prepare "$n")"
  AGENTCLI_HOME="${homes[$n]}" "$cli" exec "$work/bench.json" noop >/dev/null # warm the page cache
done
# Interleaved, so that drift in the machine's speed falls on every size alike.
for _ in $(seq "$runs"); do
  for n in "${sizes[@]}"; do
    export AGENTCLI_HOME="${homes[$n]}"
    "$cli" approve "$work/bench.json" noop --by bench --signer none >/dev/null
    ex[$n]+="$(wall_ms "$cli" exec "$work/bench.json" noop) "
    "$cli" approve "$work/bench.json" noop --by bench --signer none >/dev/null
    cl[$n]+="$(wall_ms "$cli" claim "$work/bench.json" noop) "
  done
done
machine; echo "runs: $runs (medians, ms)"
base_e="" base_c=""
printf '%-12s %8s %8s %10s %10s\n' "history" "exec" "claim" "exec/10" "claim/10"
for n in "${sizes[@]}"; do
  e=$(tr ' ' '\n' <<<"${ex[$n]}" | grep . | median); c=$(tr ' ' '\n' <<<"${cl[$n]}" | grep . | median)
  base_e=${base_e:-$e}; base_c=${base_c:-$c}
  printf '%-12s %8s %8s %10.2f %10.2f\n' "$n" "$e" "$c" "$(awk -v a="$e" -v b="$base_e" 'BEGIN{print a/b}')" "$(awk -v a="$c" -v b="$base_c" 'BEGIN{print a/b}')"
done
