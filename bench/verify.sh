#!/usr/bin/env bash
# Cost of one in-process grant verification, against the JDK's bare signature check, per key type.
#   bench/verify.sh [ed25519|ecdsa|rsa ...]   (default: all three)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
for type in "${@:-ed25519 ecdsa rsa}"; do
  for t in $type; do
    run_bench_class dev.agentcli.bench.VerifyBench "$t"
    echo
  done
done
