#!/usr/bin/env bash
# In-process claim throughput from 1, 2 and 4 threads (WAL + synchronous=FULL), as ratios to 1.
#   bench/throughput.sh [claims-per-thread]   (default 2000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
machine
# Java 22+ warns about sqlite-jdbc's native calls unless they are allowed (the jar's manifest does
# this for the launcher).
native_access=(); [[ "$("$cli" --launcher-info | sed -n 's/^version //p' | cut -d. -f1)" -ge 22 ]] && native_access=(--enable-native-access=ALL-UNNAMED)
"$java" "${native_access[@]}" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" dev.agentcli.bench.ClaimThroughput "${1:-2000}"
