#!/usr/bin/env bash
# What agents waiting for a decision cost, and how soon after a decision the waiting agent runs.
# Starts N agents (default 50), each `exec <its own task> --wait 10m`; once all have filed their
# requests, samples their CPU time (utime + stime from /proc) over S seconds (default 60); then
# approves every request in random order and reads from the audit trail how long each run took
# to start after its approval. The baseline, measured in the same run: the CPU time of one
# `java -version`.
#   bench/waiting.sh [agents] [seconds]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
n="${1:-50}"; secs="${2:-60}"
bench_setup
home="$(mktemp -d)"; trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$home"' EXIT
export AGENTCLI_HOME="$home"
{
  printf '{"version": "0.2", "workflows": [{"id": "fleet", "tasks": ['
  for i in $(seq 1 "$n"); do
    [[ $i -gt 1 ]] && printf ', '
    printf '{"id": "t%d", "shell": {"program": "true"}, "approval": {"policy": "manual", "signature": "optional"}}' "$i"
  done
  printf ']}]}\n'
} >"$home/fleet.json"
pids=()
for i in $(seq 1 "$n"); do
  "$cli" exec "$home/fleet.json" "t$i" --wait 10m --lock-timeout-ms 120000 >/dev/null 2>&1 & pids+=($!)
done
until [[ "$("$cli" requests list --status pending --limit 0 | grep -c '"request_id"')" -ge "$n" ]]; do sleep 0.5; done
sleep 2 # past start-up: what follows is waiting only
ticks=$(getconf CLK_TCK)
cpu() { # the CPU ticks of every java process below the agents' shells
  local t=0 p
  for p in $(pgrep -f 'dev.agentcli.Main|agentcli.jar' || true); do
    t=$(( t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$t"
}
c0=$(cpu); sleep "$secs"; c1=$(cpu)
waiting_ms=$(( (c1 - c0) * 1000 / ticks ))
/usr/bin/time -o "$home/time.txt" -f '%U %S' "$java" "${jflags[@]}" -version >/dev/null 2>&1
java_cpu_ms=$(awk '{print int(($1 + $2) * 1000)}' "$home/time.txt")
ids=$("$cli" requests list --status pending --limit 0 | sed -n 's/.*"request_id" : "\([0-9a-f]*\)".*/\1/p' | shuf)
for id in $ids; do "$cli" approve "$id" --by person --signer none >/dev/null; done
for p in "${pids[@]}"; do wait "$p" || true; done
lat=$(sqlite3 "$home/state/agentcli.db" "
  SELECT CAST((julianday(s.occurred_at) - julianday(g.occurred_at)) * 86400000 AS INTEGER)
  FROM audit_events g JOIN audit_events s ON s.approval_id = g.approval_id
  WHERE g.event_type = 'approval_granted' AND s.event_type = 'exec_started'")
runs=$(sqlite3 "$home/state/agentcli.db" "SELECT count(*) FROM audit_events WHERE event_type = 'exec_started'")
machine
echo "agents: $n, waiting for ${secs}s; runs after approval: $runs"
echo "CPU of all $n waiting agents over ${secs}s: ${waiting_ms} ms ($(awk -v a="$waiting_ms" -v s="$secs" -v n="$n" 'BEGIN{printf "%.2f%% of one core; %.1f ms per agent per minute", a/(s*10), a*60/s/n}'))"
echo "baseline: one java -version: ${java_cpu_ms} ms CPU; the waiting over ${secs}s = $(awk -v a="$waiting_ms" -v b="$java_cpu_ms" 'BEGIN{printf "%.2f", a/b}') x that"
echo "approval -> run start (ms): median $(tr ' ' '\n' <<<"$lat" | grep . | median), max $(tr ' ' '\n' <<<"$lat" | grep . | sort -n | tail -1)"
