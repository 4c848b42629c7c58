#!/usr/bin/env bash
# How many classes the everyday commands load, and whose (issue 29: a command should load only the
# classes it needs): each command runs once through the launcher with -Xlog:class+load, and its
# classes are counted by library. The logging wrapper is not a JDK the launcher knows, so these runs
# have no start-up cache: the counts are the classes each command needs. Then one run with the
# launcher's start-up cache, which loads every class it holds as the JVM starts (JDK 25's AOT
# class linking), whatever the command.
#   bench/classes.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup
bench_home
wrap="$home/java-logging-classes"
log="$home/classes.log"
# The launcher turns logging off (-Xlog:disable) for a clean stderr: the wrapper drops that one.
printf '#!/usr/bin/env bash\nargs=(); for a in "$@"; do [[ "$a" == -Xlog:disable ]] || args+=("$a"); done\nexec "%s" -Xlog:class+load=info:file=%s "${args[@]}"\n' "$java" "$log" >"$wrap"
chmod +x "$wrap"

# Classes in $log by library: "library count" pairs, largest first.
by_library() {
  sed -n 's/^\[[^]]*\]\[info\]\[class,load\] \([^ ]*\) source.*/\1/p' "$log" | awk '
    /^dev\.agentcli\./            {n["agentcli"]++; next}
    /^org\.sqlite\./              {n["sqlite-jdbc"]++; next}
    /^org\.postgresql\./          {n["postgresql"]++; next}
    /^org\.flywaydb\./            {n["flyway"]++; next}
    /^com\.fasterxml\.jackson\./  {n["jackson"]++; next}
    /^com\.webauthn4j\./          {n["webauthn4j"]++; next}
    /^picocli\./                  {n["picocli"]++; next}
    /^org\.slf4j\./               {n["slf4j"]++; next}
    /^(java|javax|jdk|sun|com\.sun)\./ {n["jdk"]++; next}
                                  {n["other"]++}
    END {for (k in n) print k, n[k]}' | sort -k2 -n -r
}

run_logged() {
  rm -f "$log"
  AGENTCLI_JAVA="$wrap" "$cli" "$@" >/dev/null 2>&1 || true
  printf '%-16s %5d classes:' "$1" "$(grep -c 'class,load' "$log")"
  by_library | awk '{printf "  %s %d", $1, $2}'
  echo
}

machine
"$cli" approve "$m" unsigned --by ops --signer none >/dev/null
run_logged exec "$m" unsigned
"$cli" approve "$m" unsigned --by ops --signer none >/dev/null
run_logged claim "$m" unsigned
run_logged approvals list
run_logged --help

cache="$("$cli" --launcher-info | sed -n 's/^cache //p')"
if [[ -s "$cache/app.aot" ]]; then
  rm -f "$log"
  "$java" "${jflags[@]}" "-XX:AOTCache=$cache/app.aot" -Xlog:class+load=info:file="$log" \
    -jar "$root/target/agentcli.jar" --version >/dev/null 2>&1 || true
  before="$(awk '/ dev\.agentcli\.Main source/ {print NR - 1; exit}' "$log")"
  printf '%-16s %5d classes, %d of them before main (the start-up cache'"'"'s):' \
    "--version, cached" "$(grep -c 'class,load' "$log")" "$before"
  by_library | awk '{printf "  %s %d", $1, $2}'
  echo
fi
