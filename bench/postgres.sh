#!/usr/bin/env bash
# The shared PostgreSQL store against SQLite, measured in one run (the machine is shared and noisy:
# only same-run ratios count). A throw-away PostgreSQL cluster (Debian's binaries, scram over TCP)
# is started for it, and, when run as root, three network namespaces as hosts reaching it over TCP.
#  1. claims per second: ROUNDS rounds of 8 fresh grants and 16 processes claiming at once, spread
#     over the 3 hosts on PostgreSQL, all on this host on SQLite; every grant must have exactly one
#     winner. Process start-up is in both (that is what an agent pays).
#  2. one gated exec of a no-op task (a fresh unsigned grant each time, approved untimed): the median
#     of RUNS on each store, with java -version as the baseline.
#  3. the chain head's cost: pgbench, 16 clients for 5 s, transactions that append one row to an
#     events table, free, then serialised as agentcli's writes are (the advisory lock, then the
#     head read, then the append).
#   bench/postgres.sh [rounds] [runs]   (default 10 15)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
rounds="${1:-10}" runs="${2:-15}" procs=16 grants=8
bench_setup
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
[[ -x $pgbin/postgres ]] || { echo "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

work="$(mktemp -d)"; chmod 755 "$work"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
namespaces=()
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; ip link del "${ns#agbench-}o" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The server.
export PGPASSWORD=bench-password
echo "$PGPASSWORD" >"$work/pw"
[[ $(id -u) == 0 ]] && chown postgres "$work" "$work/pw"
as_pg "$pgbin/initdb" -D "$work/pg" -U agentcli --pwfile="$work/pw" --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
echo "host all all 10.78.0.0/16 scram-sha-256" >>"$work/pg/pg_hba.conf"
port=$(( 20000 + RANDOM % 30000 ))
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $port -k $work -c listen_addresses=* -c max_connections=200" start >/dev/null
psql_() { psql -X -q -A -t -h 127.0.0.1 -p "$port" -U agentcli "$@"; }

# The hosts: network namespaces when this is root, else this host three times.
hosts=()
if [[ $(id -u) == 0 ]] && ip netns add agbench-h0 2>/dev/null; then
  ip netns del agbench-h0
  for i in 0 1 2; do
    ns="agbench-h$i"; namespaces+=("$ns")
    ip netns add "$ns"
    ip link add "h${i}o" type veth peer name "h${i}n"
    ip link set "h${i}n" netns "$ns"
    ip addr add "10.78.$((i + 1)).1/24" dev "h${i}o"; ip link set "h${i}o" up
    ip netns exec "$ns" ip addr add "10.78.$((i + 1)).2/24" dev "h${i}n"
    ip netns exec "$ns" ip link set "h${i}n" up; ip netns exec "$ns" ip link set lo up
    hosts+=("ip netns exec $ns|10.78.$((i + 1)).1")
  done
  where="3 network namespaces over TCP"
else
  hosts=("|127.0.0.1" "|127.0.0.1" "|127.0.0.1")
  where="3 homes on this host (not root: no namespaces)"
fi

m="$work/bench.json"
cat >"$m" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "race", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}}]}]}
JSON
sqlite_home="$work/sqlite"; mkdir -p "$sqlite_home"
psql_ -d postgres -c "CREATE DATABASE agentcli"
pg_url() { echo "postgresql://agentcli@$1:$port/agentcli?sslmode=disable"; }  # a trusted test network

# 1. Claims per second.
race() { # store: sqlite|postgresql; prints the ms of all rounds' races
  local store=$1 total=0 wins=0
  for r in $(seq "$rounds"); do
    for _ in $(seq "$grants"); do
      if [[ $store == sqlite ]]; then AGENTCLI_HOME="$sqlite_home" "$cli" approve "$m" race --by bench --signer none >/dev/null
      else AGENTCLI_HOME="$work/h0" AGENTCLI_DB="$(pg_url 127.0.0.1)" "$cli" approve "$m" race --by bench --signer none >/dev/null; fi
    done
    local t; t=$(now_ns)
    for p in $(seq "$procs"); do
      local h="${hosts[$((p % 3))]}" wrap addr
      wrap="${h%%|*}" addr="${h##*|}"
      (
        set +e
        if [[ $store == sqlite ]]; then
          AGENTCLI_HOME="$sqlite_home" "$cli" claim "$m" race --lock-timeout-ms 60000 >/dev/null 2>"$work/err.$p"
        else
          # shellcheck disable=SC2086
          AGENTCLI_HOME="$work/h$((p % 3))" AGENTCLI_DB="$(pg_url "$addr")" $wrap "$cli" claim "$m" race --lock-timeout-ms 60000 >/dev/null 2>"$work/err.$p"
        fi
        echo $? >"$work/rc.$p"
      ) &
    done
    wait
    total=$(( total + ($(now_ns) - t) / 1000000 ))
    for p in $(seq "$procs"); do
      rc=$(cat "$work/rc.$p")
      if [[ $rc == 0 ]]; then wins=$((wins + 1))
      elif [[ $rc != 77 ]]; then echo "$store round $r: exit $rc: $(cat "$work/err.$p")" >&2; fi
    done
  done
  [[ $wins == $((rounds * grants)) ]] || { echo "$store: $wins winners, expected $((rounds * grants))" >&2; exit 1; }
  echo "$total"
}
sqlite_ms=$(race sqlite)
pg_ms=$(race postgresql)
used=$(psql_ -d agentcli -c "SELECT count(*) - count(DISTINCT approval_id) FROM consumptions")
[[ $used == 0 ]] || { echo "a grant used twice on PostgreSQL" >&2; exit 1; }

# 2. One exec on each store.
declare -A t
for _ in $(seq "$runs"); do
  AGENTCLI_HOME="$sqlite_home" "$cli" approve "$m" race --by bench --signer none >/dev/null
  AGENTCLI_HOME="$work/h0" AGENTCLI_DB="$(pg_url 127.0.0.1)" "$cli" approve "$m" race --by bench --signer none >/dev/null
  t[java]+="$(wall_ms "$java" "${jflags[@]}" -version) "
  t[sqlite]+="$(AGENTCLI_HOME="$sqlite_home" wall_ms "$cli" exec "$m" race) "
  t[pg]+="$(AGENTCLI_HOME="$work/h0" AGENTCLI_DB="$(pg_url 127.0.0.1)" wall_ms "$cli" exec "$m" race) "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }

# 3. The chain head: pgbench, free appends against appends serialised on one lock after the head.
psql_ -d agentcli -c "CREATE TABLE bench_events (id bigserial PRIMARY KEY, prev text, body text)"
echo "INSERT INTO bench_events (prev, body) VALUES ('x', 'event');" >"$work/free.sql"
cat >"$work/chained.sql" <<'SQL'
BEGIN;
SELECT pg_advisory_xact_lock(7);
SELECT id FROM bench_events ORDER BY id DESC LIMIT 1;
INSERT INTO bench_events (prev, body) VALUES ('x', 'event');
COMMIT;
SQL
tps() { "$pgbin/pgbench" -n -h 127.0.0.1 -p "$port" -U agentcli -c 16 -j 2 -T 5 -f "$1" agentcli 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | cut -d. -f1; }
free_tps=$(tps "$work/free.sql")
chained_tps=$(tps "$work/chained.sql")

machine
echo "postgresql: $("$pgbin/postgres" --version); hosts: $where"
claims=$((rounds * grants))
awk -v c="$claims" -v s="$sqlite_ms" -v p="$pg_ms" -v n="$procs" 'BEGIN {
  printf "claims: %d rounds of %d processes for 8 grants (%d claims each store)\n", c/8, n, c
  printf "  sqlite (16 processes, one host):        %6d ms, %6.1f claims/s\n", s, c*1000/s
  printf "  postgresql (16 processes over 3 hosts): %6d ms, %6.1f claims/s (%.2fx sqlite)\n", p, c*1000/p, s/p }'
js=$(med java) ss=$(med sqlite) ps=$(med pg)
awk -v j="$js" -v s="$ss" -v p="$ps" -v r="$runs" 'BEGIN {
  printf "one exec (median of %d): java -version %d ms; sqlite %d ms (%.2fx); postgresql %d ms (%.2fx; %.2fx sqlite)\n", r, j, s, s/j, p, p/j, p/s }'
awk -v f="$free_tps" -v c="$chained_tps" 'BEGIN {
  printf "chain head (pgbench, 16 clients, 5 s): free appends %d tps; locked head + append %d tps (%.2fx)\n", f, c, c/f }'
