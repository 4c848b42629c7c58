#!/usr/bin/env bash
# Wall time of one gated `exec` of a no-op task (a fresh grant each run), signed and unsigned,
# against `java -version` on the same JDK with the same flags, all measured in this run.
#   bench/exec-latency.sh [runs]   (default 21)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-21}"
cli="$root/bin/agentcli"
"$cli" --version >/dev/null # builds the jar if needed
"$cli" --warm 2>/dev/null   # the start-up cache, as a user has it after the first run
java="$("$cli" --launcher-info | sed -n 's/^java //p')"

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export AGENTCLI_HOME="$home"
cat >"$home/bench.json" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "unsigned", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}},
  {"id": "signed", "shell": {"program": "true"}, "approval": {"policy": "manual", "timeout_s": 3600}}]}]}
JSON
ssh-keygen -q -t ed25519 -N "" -C bench -f "$home/key"
"$cli" signers add bench "$home/key.pub" >/dev/null

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

jv=(); un=(); si=()
for _ in $(seq "$runs"); do
  t=$(now_ns); "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version 2>/dev/null; jv+=($(( ($(now_ns) - t) / 1000000 )))
  "$cli" approve "$home/bench.json" unsigned --by bench --signer none >/dev/null
  t=$(now_ns); "$cli" exec "$home/bench.json" unsigned >/dev/null; un+=($(( ($(now_ns) - t) / 1000000 )))
  "$cli" approve "$home/bench.json" signed --by bench --signing-key "$home/key" >/dev/null
  t=$(now_ns); "$cli" exec "$home/bench.json" signed >/dev/null; si+=($(( ($(now_ns) - t) / 1000000 )))
done
j=$(printf '%s\n' "${jv[@]}" | median)
u=$(printf '%s\n' "${un[@]}" | median)
s=$(printf '%s\n' "${si[@]}" | median)
echo "java: $("$java" -version 2>&1 | head -1); runs: $runs (medians)"
printf '%-36s %6s ms\n' "java -version (baseline)" "$j" "exec, gated, unsigned grant" "$u" "exec, gated, signed grant (Ed25519)" "$s"
awk -v j="$j" -v u="$u" -v s="$s" 'BEGIN {printf "ratios to java -version: unsigned %.2f, signed %.2f; signed / unsigned %.2f\n", u / j, s / j, s / u}'
