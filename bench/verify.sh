#!/usr/bin/env bash
# Cost of one in-process grant verification, against the JDK's bare signature check, per key type.
#   bench/verify.sh [ed25519|ecdsa|rsa ...]   (default: all three)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
machine
for type in "${@:-ed25519 ecdsa rsa}"; do
  for t in $type; do
    "$java" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" dev.agentcli.bench.VerifyBench "$t"
    echo
  done
done
