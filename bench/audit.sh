#!/usr/bin/env bash
# Cost of one chained audit event against a plain durable INSERT, and audit verify over N events.
#   bench/audit.sh [writes] [events]   (default 2000 100000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
run_bench_class dev.agentcli.bench.AuditBench "${1:-2000}" "${2:-100000}"
