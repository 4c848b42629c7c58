#!/usr/bin/env bash
# What an agent waits for at each integration, with `java -version` measured in the same run as
# the baseline (the machine is shared and noisy: only same-run ratios count):
#   - the Claude Code hook's answer for a command the rules allow: a JVM per tool call, and over
#     HTTP from a running `agentcli serve` (500 curl calls on loopback: median and p99; the
#     server's resident memory after 10,000 calls),
#   - `agentcli run` of an allowed command,
#   - the MCP server: start-up to the initialize answer, and the per-call latency of tools/call on
#     an ungated task (one long-lived server), measured by a small Python client.
# Medians of N runs (default 21).
#   bench/integrations.sh [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs="${1:-21}"
bench_setup
home="$(mktemp -d)"; trap 'rm -rf "$home"' EXIT
export AGENTCLI_HOME="$home"
cat >"$home/rules.json" <<'JSON'
{"rules": [{"match": "ls *", "decision": "allow"}, {"match": "true", "decision": "allow"}]}
JSON
cat >"$home/m.json" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "noop", "description": "does nothing", "shell": {"program": "true"}}]}]}
JSON
payload='{"session_id":"bench","transcript_path":"/tmp/t","cwd":"/tmp","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls -la","description":"bench"},"tool_use_id":"t"}'
"$cli" run -- true >/dev/null # creates the database

declare -A t
for _ in $(seq "$runs"); do
  t[java]+="$(wall_ms "$java" "${jflags[@]}" -version) "
  t[hook]+="$(wall_ms bash -c "printf '%s' '$payload' | '$cli' hook claude-code") "
  t[run]+="$(wall_ms "$cli" run -- true) "
done
med() { tr ' ' '\n' <<<"${t[$1]}" | grep . | median; }
j=$(med java); h=$(med hook); r=$(med run)

mcp=$(python3 - "$cli" "$home/m.json" "$runs" <<'PY'
import json, subprocess, sys, time, statistics
cli, manifest, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
starts, calls = [], []
for i in range(3):
    t0 = time.perf_counter()
    p = subprocess.Popen([cli, "mcp", manifest], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    def ask(m):
        p.stdin.write(json.dumps(m) + "\n"); p.stdin.flush()
        return json.loads(p.stdout.readline())
    ask({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    starts.append((time.perf_counter() - t0) * 1000)
    p.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
    for n in range(runs * 2):
        t1 = time.perf_counter()
        r = ask({"jsonrpc": "2.0", "id": n + 1, "method": "tools/call", "params": {"name": "noop", "arguments": {}}})
        assert r["result"]["isError"] is False, r
        if n >= 5:  # the first calls warm the JIT
            calls.append((time.perf_counter() - t1) * 1000)
    p.stdin.close(); p.wait()
print(round(statistics.median(starts)), round(statistics.median(calls), 1))
PY
)
read -r mcp_start mcp_call <<<"$mcp"

"$cli" serve --port 0 --format json >"$home/serve.out" 2>/dev/null &
server=$!
for _ in $(seq 300); do grep -q '"url"' "$home/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/.*"url" : "\(.*\)".*/\1/p' "$home/serve.out")/v1/hooks/claude-code"
auth="Authorization: Bearer $(cat "$home/serve.token")"
post() { curl -s -o /dev/null -w '%{time_total}\n' -H "$auth" --data-binary "$payload" "$url"; }
for _ in $(seq 50); do post >/dev/null; done # the JIT warms up
read -r http_med http_p99 < <(for _ in $(seq 500); do post; done \
  | awk '{print $1 * 1000}' | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f\n", a[int((NR+1)/2)], a[int(NR*0.99)]}')
python3 - "$url" "$auth" "$payload" <<'PY'
import http.client, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); name, value = sys.argv[2].split(": ", 1)
for _ in range(10000):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    c.request("POST", u.path, body=sys.argv[3], headers={name: value})
    assert b'"allow"' in c.getresponse().read()
    c.close()
PY
rss_mib=$(( $(ps -o rss= -p "$server") / 1024 ))
kill "$server"; wait "$server" 2>/dev/null || true
machine; echo "runs: $runs (medians, ms)"
printf '%-58s %7s\n' "baseline: java -version" "$j"
printf '%-58s %7s  %5.2fx\n' "hook claude-code, an allowed command (answer)" "$h" "$(bc -l <<<"$h/$j")"
printf '%-58s %7s  %5.2fx\n' "serve: the same answer over HTTP, median of 500 (curl)" "$http_med" "$(bc -l <<<"$http_med/$j")"
printf '%-58s %7s\n' "serve: p99 of the 500" "$http_p99"
printf '%-58s %7s\n' "serve: resident memory after 10,000 more calls (MiB)" "$rss_mib"
printf '%-58s %7s  %5.2fx\n' "run -- true (allowed by a rule, runs, audited)" "$r" "$(bc -l <<<"$r/$j")"
printf '%-58s %7s  %5.2fx\n' "mcp: start to the initialize answer" "$mcp_start" "$(bc -l <<<"$mcp_start/$j")"
printf '%-58s %7s  %5.2fx\n' "mcp: one tools/call of an ungated task (server running)" "$mcp_call" "$(bc -l <<<"$mcp_call/$j")"
