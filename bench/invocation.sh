#!/usr/bin/env bash
# Per-invocation wall time of exec (gated no-op task, a fresh grant each run, unsigned and signed),
# claim, approve, approvals list, --version and --help, against two baselines measured in the same
# run: `java -version` on the same JDK with the same flags, and the sqlite3 shell doing the same
# claim transaction. Also the CPU time (user + sys) of one exec against its wall time, and the exec
# on Java 17 (with its AppCDS archive, and with no cache at all) when a Java 17 is installed.
# Medians of N runs (default 21).
#   bench/invocation.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"
bench_setup

bench_home
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
  t[version]+="$(wall_ms "$cli" --version) "
  t[help]+="$(wall_ms "$cli" --help) "
  "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
  /usr/bin/time -o "$home/time" -f '%e %U %S' "$cli" exec "$m" unsigned >/dev/null 2>&1 || true
  read -r e u s <"$home/time"
  t[cpu_ratio]+="$(awk -v e="$e" -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", (e > 0 ? (u + s) / e : 0) }') "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
j=$(med java); s=$(med sqlite3)
machine; echo "runs: $runs (medians, ms)"
printf '%-40s %6s\n' "baseline: java -version" "$j" "baseline: sqlite3 shell, claim transaction" "$s"
for k in exec exec_signed claim approve list version help; do
  v=$(med "$k")
  label="$k"; [[ $k == exec ]] && label="exec, gated, unsigned grant"; [[ $k == exec_signed ]] && label="exec, gated, signed grant (Ed25519)"
  [[ $k == list ]] && label="approvals list"; [[ $k == approve ]] && label="approve (--signer none)"
  [[ $k == version ]] && label="--version"; [[ $k == help ]] && label="--help"
  printf '%-40s %6s   %5.2f x java -version   %6.1f x sqlite3\n' "$label" "$v" "$(awk -v a="$v" -v b="$j" 'BEGIN{print a/b}')" "$(awk -v a="$v" -v b="$s" 'BEGIN{print a/b}')"
done
echo "CPU (user + sys) / wall of one exec: $(tr ' ' '\n' <<<"${t[cpu_ratio]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"

# Java 17, if there is one: the same exec with its AppCDS archive, and with no cache at all.
j17=""
for d in /usr/lib/jvm/*17*/; do [[ -x "$d/bin/java" ]] && { j17="$d/bin/java"; break; }; done
if [[ -n "$j17" ]]; then
  AGENTCLI_JAVA="$j17" "$cli" --warm 2>/dev/null
  declare -A o
  for _ in $(seq "$runs"); do
    o[java17]+="$(wall_ms "$j17" "${jflags[@]}" -version) "
    "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
    o[cds]+="$(AGENTCLI_JAVA="$j17" wall_ms "$cli" exec "$m" unsigned) "
    "$cli" approve "$m" unsigned --by bench --signer none >/dev/null
    o[none]+="$(AGENTCLI_JAVA="$j17" AGENTCLI_NO_CACHE=1 wall_ms "$cli" exec "$m" unsigned) "
  done
  omed() { tr ' ' '\n' <<<"${o[$1]}" | grep . | median; }
  j7=$(omed java17)
  echo "Java 17 ($("$j17" -version 2>&1 | head -1)): java -version $j7 ms"
  for k in cds none; do
    v=$(omed "$k"); label="exec on Java 17, AppCDS archive"; [[ $k == none ]] && label="exec on Java 17, no cache"
    printf '%-40s %6s   %5.2f x its java -version\n' "$label" "$v" "$(awk -v a="$v" -v b="$j7" 'BEGIN{print a/b}')"
  done
fi
