#!/usr/bin/env bash
# In-process claim throughput from 1, 2 and 4 threads (WAL + synchronous=FULL), as ratios to 1.
#   bench/throughput.sh [claims-per-thread]   (default 2000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
run_bench_class dev.agentcli.bench.ClaimThroughput "${1:-2000}"
