#!/usr/bin/env bash
# What the schema check on open costs, against a gated exec measured in the same run: the check's
# own time in a fresh JVM (SchemaBench), and the median wall time of exec (fresh unsigned grant
# each run). The ratio is the share of an exec that the check takes.
#   bench/schema.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"
bench_setup

bench_home
t=""
for _ in $(seq "$runs"); do
  "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
  t+="$(wall_ms "$cli" exec "$m" unsigned) "
done
exec_ms=$(tr ' ' '\n' <<<"$t" | grep . | median)
out="$(run_bench_class dev.agentcli.store.SchemaBench 1000)"
echo "$out"
first=$(sed -n 's/^schema check, first in this JVM: \([0-9.]*\) ms/\1/p' <<<"$out")
echo "runs: $runs; exec, gated, median: $exec_ms ms"
awk -v a="$first" -v b="$exec_ms" 'BEGIN{printf "the check is %.1f%% of an exec (exec without it: ~%.1f ms, ratio %.3f)\n", 100*a/b, b-a, b/(b-a)}'
