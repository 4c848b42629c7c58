#!/usr/bin/env bash
# Cost of one in-process grant verification, against the JDK's bare signature check, per key type.
#   bench/verify.sh [ed25519|ecdsa|rsa ...]   (default: all three)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
machine
# Java 22+ warns about sqlite-jdbc's native calls unless they are allowed (the jar's manifest does
# this for the launcher).
native_access=(); [[ "$("$cli" --launcher-info | sed -n 's/^version //p' | cut -d. -f1)" -ge 22 ]] && native_access=(--enable-native-access=ALL-UNNAMED)
for type in "${@:-ed25519 ecdsa rsa}"; do
  for t in $type; do
    "$java" "${native_access[@]}" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" dev.agentcli.bench.VerifyBench "$t"
    echo
  done
done
