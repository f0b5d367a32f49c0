#!/usr/bin/env bash
# Runs the benchmarks jar with the given JMH arguments, waiting for the JMH lock (/tmp/jmh.lock) instead
# of failing or ignoring it: the machine is shared, and two JMH processes at once would measure each other.
# JMH takes the lock with a non-blocking tryLock and exits when another instance holds it, so this retries
# every ${JMH_LOCK_RETRY_SECONDS:-20} s until the run starts. Output goes to stdout; exit code is JMH's.
#
# usage: benchmarks/scripts/jmh.sh [JMH args]      (JAR=... to use another jar)
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="${JAR:-$root/benchmarks/target/benchmarks.jar}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
while :; do
  java -jar "$jar" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  if [[ $rc -ne 0 ]] && grep -q 'Unable to acquire the JMH lock' "$log"; then
    echo "# jmh.sh: another JMH run holds /tmp/jmh.lock; retrying in ${JMH_LOCK_RETRY_SECONDS:-20} s" >&2
    sleep "${JMH_LOCK_RETRY_SECONDS:-20}"
    continue
  fi
  exit "$rc"
done
