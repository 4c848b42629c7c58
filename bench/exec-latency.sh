#!/usr/bin/env bash
# Wall time of one gated `exec` (a no-op task, a fresh grant each run) against `java -version` on
# the same JDK, both measured in this run. Prints medians and the ratio.
#   bench/exec-latency.sh [runs]   (default 21)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-21}"
"$root/bin/agentcli" --version >/dev/null # builds the jar if needed
java="${AGENTCLI_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
java="${java:-java}"

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export AGENTCLI_HOME="$home"
cat >"$home/bench.json" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "noop", "shell": {"program": "true"}, "approval": {"policy": "manual", "timeout_s": 3600}}]}]}
JSON

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

"$root/bin/agentcli" exec "$home/bench.json" noop --dry-run >/dev/null # creates the database
jv=(); ex=()
for _ in $(seq "$runs"); do
  t=$(date +%s%N); "$java" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -version 2>/dev/null; jv+=("$(ms "$t")")
  "$root/bin/agentcli" approve "$home/bench.json" noop --by bench --signer none >/dev/null
  t=$(date +%s%N); "$root/bin/agentcli" exec "$home/bench.json" noop >/dev/null; ex+=("$(ms "$t")")
done
j=$(printf '%s\n' "${jv[@]}" | median)
e=$(printf '%s\n' "${ex[@]}" | median)
echo "java: $("$java" -version 2>&1 | head -1)"
echo "runs: $runs"
printf '%-32s %6s ms\n' "java -version (median)" "$j" "agentcli exec, gated (median)" "$e"
awk -v e="$e" -v j="$j" 'BEGIN {printf "ratio exec / java -version: %.2f\n", e / j}'
