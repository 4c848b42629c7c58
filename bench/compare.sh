#!/usr/bin/env bash
# This tree's gated exec against another revision's, interleaved in one run (the machine is
# shared and noisy, so only same-run ratios count): builds REV in a temporary worktree, then times
# `exec` of a gated no-op task with a fresh unsigned grant, for each build in turn, with `java
# -version` as the baseline. Medians of N runs (default 21).
#   bench/compare.sh REV [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
rev="${1:?usage: bench/compare.sh REV [runs]}"
runs="${2:-21}"
bench_setup

other="$(mktemp -d)"; home_a="$(mktemp -d)"; home_b="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$other" >/dev/null 2>&1 || rm -rf "$other"; rm -rf "$home_a" "$home_b"' EXIT
git -C "$root" worktree add --detach "$other" "$rev" >/dev/null 2>&1
(cd "$other" && mvn -q -B -Dstyle.color=never -DskipTests package >&2)
cli_b="$other/bin/agentcli"
"$cli_b" --version >/dev/null; "$cli_b" --warm 2>/dev/null || true

manifest() {
  cat >"$1/bench.json" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "unsigned", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}}]}]}
JSON
}
manifest "$home_a"; manifest "$home_b"

declare -A t
for _ in $(seq "$runs"); do
  t[java]+="$(wall_ms "$java" "${jflags[@]}" -version) "
  AGENTCLI_HOME="$home_a" "$cli" approve "$home_a/bench.json" unsigned --by bench --signer none >/dev/null
  t[this]+="$(AGENTCLI_HOME="$home_a" wall_ms "$cli" exec "$home_a/bench.json" unsigned) "
  AGENTCLI_HOME="$home_b" "$cli_b" approve "$home_b/bench.json" unsigned --by bench --signer none >/dev/null
  t[other]+="$(AGENTCLI_HOME="$home_b" wall_ms "$cli_b" exec "$home_b/bench.json" unsigned) "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
j=$(med java); a=$(med this); b=$(med other)
machine; echo "runs: $runs (medians, ms)"
printf '%-44s %6s\n' "baseline: java -version" "$j"
printf '%-44s %6s   %5.2f x java -version\n' "exec, gated, unsigned grant: $rev" "$b" "$(awk -v a="$b" -v b="$j" 'BEGIN{print a/b}')"
printf '%-44s %6s   %5.2f x java -version\n' "exec, gated, unsigned grant: this tree" "$a" "$(awk -v a="$a" -v b="$j" 'BEGIN{print a/b}')"
printf '%-44s %8.2f\n' "this tree / $rev" "$(awk -v a="$a" -v b="$b" 'BEGIN{print a/b}')"
