#!/usr/bin/env bash
# Where one gated exec's wall time goes, phase by phase, for the current build: each run sets
# AGENTCLI_PROFILE, the launcher and the JVM print `phase <name> <epoch µs>` on stderr as each
# phase ends, and this prints the median of each phase over N runs (default 21), a fresh unsigned
# grant each run. `java -version` (same JDK, same flags) is measured in the same run for scale.
#   bench/profile.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"
bench_setup

bench_home
"$cli" approve "$m" unsigned --by bench --signer none >/dev/null

log="$home/phases"
: >"$log"
javas=()
for i in $(seq "$runs"); do
  javas+=("$(wall_ms "$java" "${jflags[@]}" -version)")
  "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
  start="${EPOCHREALTIME/./}"
  AGENTCLI_PROFILE=1 "$cli" exec "$m" unsigned 2>"$home/err" >/dev/null
  end="${EPOCHREALTIME/./}"
  { echo "phase start $start"; grep '^phase ' "$home/err"; echo "phase exit $end"; } |
    awk -v run="$i" '{ if (NR > 1) print run, $2, ($3 - prev) / 1000; prev = $3 }' >>"$log"
done

machine; echo "runs: $runs (medians, ms); each phase ends at the mark named"
j="$(printf '%s\n' "${javas[@]}" | median)"
printf '%-22s %8s\n' "java -version" "$j"
# Phases in the order of the first run; the median of each over all runs.
awk '$1 == 1 { print $2 }' "$log" | while read -r phase; do
  printf '%-22s %8.1f\n' "$phase" "$(awk -v p="$phase" '$2 == p { print $3 }' "$log" | median)"
done
total="$(awk '{ t[$1] += $3 } END { for (r in t) print t[r] }' "$log" | median)"
printf '%-22s %8.1f   %.2f x java -version\n' "total (median run)" "$total" "$(awk -v a="$total" -v b="$j" 'BEGIN { print a / b }')"
