#!/usr/bin/env bash
# The shell-line reader and the starter rules on a 64 KiB line (issue 25: at most 5 ms), as a
# ratio to one scan of the same characters measured in the same run.
#   bench/reader.sh [runs]   (default 201)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
run_bench_class dev.agentcli.bench.ReaderSpeed "${1:-201}"
