#!/usr/bin/env bash
# Cost of one chained audit event against a plain durable INSERT, and audit verify over N events.
#   bench/audit.sh [writes] [events]   (default 2000 100000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
machine
native_access=(); [[ "$("$cli" --launcher-info | sed -n 's/^version //p' | cut -d. -f1)" -ge 22 ]] && native_access=(--enable-native-access=ALL-UNNAMED)
"$java" "${native_access[@]}" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" dev.agentcli.bench.AuditBench "${1:-2000}" "${2:-100000}"
