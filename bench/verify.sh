#!/usr/bin/env bash
# Cost of one in-process grant verification, against the JDK's bare signature check, per key type.
#   bench/verify.sh [ed25519|ecdsa|rsa ...]   (default: all three)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
java="${AGENTCLI_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/java}}"
java="${java:-java}"
for type in "${@:-ed25519 ecdsa rsa}"; do
  for t in $type; do
    "$java" -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" dev.agentcli.bench.VerifyBench "$t"
    echo
  done
done
