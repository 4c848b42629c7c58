#!/usr/bin/env bash
# What content binding costs per gated exec: the same `true` task with and without a large file in
# shell.bind_files (8 MiB, about the size of a python3 binary), that file's digest read in full every run
# ("cold": its file_digests row deleted before each run) or remembered by file identity ("warm").
# Interleaved runs, medians, ratios against the exec without the file, all in one run.
#   bench/digest.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"
bench_setup

home="$(mktemp -d)"; trap 'rm -rf "$home"' EXIT
export AGENTCLI_HOME="$home"
head -c 8388608 /dev/urandom >"$home/big.bin" # 8 MiB, the size of a large interpreter
touch -d '1 hour ago' "$home/big.bin" # settled: old enough to be remembered
m="$home/bench.json"
cat >"$m" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "plain", "shell": {"program": "true"},
   "approval": {"policy": "manual", "signature": "optional"}},
  {"id": "bound", "shell": {"program": "true", "bind_files": ["big.bin"]},
   "approval": {"policy": "manual", "signature": "optional"}}]}]}
JSON
db="$home/state/agentcli.db"
"$cli" approve "$m" plain --by bench --signer none >/dev/null # creates the database
declare -A t
for _ in $(seq "$runs"); do
  "$cli" approve "$m" plain --by bench --signer none >/dev/null
  t[plain]+="$(wall_ms "$cli" exec "$m" plain) "
  "$cli" approve "$m" bound --by bench --signer none >/dev/null
  t[warm]+="$(wall_ms "$cli" exec "$m" bound) "
  "$cli" approve "$m" bound --by bench --signer none >/dev/null
  sqlite3 "$db" "DELETE FROM file_digests WHERE path LIKE '%big.bin'"
  t[cold]+="$(wall_ms "$cli" exec "$m" bound) "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
p=$(med plain)
machine; echo "runs: $runs (medians, ms); bound file: $(stat -c %s "$home/big.bin") bytes"
printf '%-52s %6s\n' "baseline: exec, no bound file" "$p"
for k in warm cold; do
  v=$(med "$k")
  printf '%-52s %6s   %5.2f x baseline\n' "exec, 8 MiB bound file, digest $k" "$v" "$(awk -v a="$v" -v b="$p" 'BEGIN{print a/b}')"
done
