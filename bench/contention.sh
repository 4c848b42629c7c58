#!/usr/bin/env bash
# Contention: in each round, 8 fresh grants of one task and 16 agentcli processes claiming at once.
# Checks that every grant has exactly one winner and that nothing but approval_required failed,
# then prints the totals and the wall time, against a baseline round of 16 processes that only
# print --version (the same start-up cost without the race).
#   bench/contention.sh [rounds] [processes] [grants]   (default 20 16 8)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
rounds="${1:-20}" procs="${2:-16}" grants="${3:-8}"
bench_setup

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export AGENTCLI_HOME="$work/home"
m="$work/bench.json"
cat >"$m" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "race", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}}]}]}
JSON
db="$AGENTCLI_HOME/state/agentcli.db"

wins=0 refused=0 errors=0 double=0 race_ms=0 base_ms=0
for r in $(seq "$rounds"); do
  for _ in $(seq "$grants"); do "$cli" approve "$m" race --by bench --signer none >/dev/null; done
  t=$(now_ns)
  for p in $(seq "$procs"); do
    ( set +e; "$cli" claim "$m" race --execution-id "r$r-p$p" >"$work/out.$p" 2>"$work/err.$p"; echo $? >"$work/rc.$p" ) &
  done
  wait
  race_ms=$(( race_ms + ($(now_ns) - t) / 1000000 ))
  t=$(now_ns)
  for p in $(seq "$procs"); do "$cli" --version >/dev/null & done
  wait
  base_ms=$(( base_ms + ($(now_ns) - t) / 1000000 ))
  for p in $(seq "$procs"); do
    rc=$(cat "$work/rc.$p")
    if [[ $rc == 0 ]]; then wins=$((wins + 1))
    elif [[ $rc == 77 ]] && grep -q '"code":"approval_required"' "$work/err.$p"; then refused=$((refused + 1))
    else errors=$((errors + 1)); echo "round $r process $p: exit $rc: $(cat "$work/err.$p")" >&2; fi
  done
  used=$(sqlite3 "$db" "SELECT count(*) FROM consumptions WHERE execution_id LIKE 'r$r-%'")
  distinct=$(sqlite3 "$db" "SELECT count(DISTINCT approval_id) FROM consumptions WHERE execution_id LIKE 'r$r-%'")
  [[ $used == "$distinct" && $used == "$grants" ]] || double=$((double + 1))
done
machine
echo "rounds: $rounds x $procs processes x $grants grants"
echo "winners: $wins (expected $((rounds * grants))), approval_required: $refused (expected $((rounds * (procs - grants)))), other errors: $errors, rounds with a grant used twice or left unused: $double"
echo "wall time: racing rounds $race_ms ms; baseline rounds of --version $base_ms ms; ratio $(awk -v a="$race_ms" -v b="$base_ms" 'BEGIN{printf "%.2f", a/b}')"
[[ $wins == $((rounds * grants)) && $errors == 0 && $double == 0 ]]
