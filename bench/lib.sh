# Shared by the bench scripts: build, warm the start-up cache, time commands, take medians.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$root/bin/agentcli"

# Builds the jar and the start-up cache, as a user has them after the first run.
bench_setup() {
  "$cli" --version >/dev/null
  "$cli" --warm 2>/dev/null
  java="$("$cli" --launcher-info | sed -n 's/^java //p')"
  jflags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)
}

now_ns() { date +%s%N; }

# Runs "$@" once, discarding its output; prints the wall time in ms.
wall_ms() {
  local t; t=$(now_ns)
  "$@" >/dev/null 2>&1 || true
  echo $(( ($(now_ns) - t) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

machine() { echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sm); java: $("$java" -version 2>&1 | head -1)"; }

# Runs a benchmark class from the test sources on the launcher's JDK.
run_bench_class() {
  (cd "$root" && mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2)
  machine
  # Java 22+ warns about sqlite-jdbc's native calls unless they are allowed (the jar's manifest
  # does this for the launcher).
  local native_access=()
  [[ "$("$cli" --launcher-info | sed -n 's/^version //p' | cut -d. -f1)" -ge 22 ]] && native_access=(--enable-native-access=ALL-UNNAMED)
  "$java" "${native_access[@]}" -cp "$root/target/classes:$root/target/test-classes:$(cat "$root/target/classpath.txt")" "$@"
}

# A throw-away home (removed on exit) as AGENTCLI_HOME, in $home, and in $m a manifest of two
# gated no-op tasks: "unsigned" (an unsigned grant may be used) and "signed".
bench_home() {
  home="$(mktemp -d)"; trap 'rm -rf "$home"' EXIT
  export AGENTCLI_HOME="$home"
  m="$home/bench.json"
  cat >"$m" <<'JSON'
{"version": "0.2", "workflows": [{"id": "bench", "tasks": [
  {"id": "unsigned", "shell": {"program": "true"},
   "approval": {"policy": "manual", "timeout_s": 3600, "signature": "optional"}},
  {"id": "signed", "shell": {"program": "true"}, "approval": {"policy": "manual", "timeout_s": 3600}}]}]}
JSON
}
