#!/usr/bin/env bash
# RouterBenchmark in rounds: each round runs every row at 1 thread and then at 2 threads (one fork each),
# then prints, per round, each row's ratio to the floor of the same run, the telemetry overhead over
# `direct` divided by the circuit breaker's, and the 2-thread/1-thread throughput; then the median and
# the range of each figure over the rounds.
#
# usage: benchmarks/scripts/router-ratios.sh [ROUNDS] [extra JMH args]
#        ROWS='direct|circuitBreaker|telemetry(Random|Sticky)|floor(Random|Sticky)' benchmarks/scripts/router-ratios.sh 5
#        (ROWS: a regex of the rows to run; default every row; `direct` and `circuitBreaker` and the floors are needed
#        for the ratios)
# needs: mvn -B -ntp -q -pl benchmarks -am package -DskipTests   (builds benchmarks/target/benchmarks.jar)
set -euo pipefail
rounds="${1:-3}"
shift || true
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="${JAR:-$root/benchmarks/target/benchmarks.jar}"
out="$(mktemp -d)"
for ((r = 0; r < rounds; r++)); do
  for t in 1 2; do
    cut -d' ' -f1 /proc/loadavg > "$out/$r-t$t.load" 2>/dev/null || echo "?" > "$out/$r-t$t.load"
    JAR="$jar" "$root/benchmarks/scripts/jmh.sh" "RouterBenchmark\.(${ROWS:-.*})\$" -t "$t" -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc "$@" \
        -rf json -rff "$out/$r-t$t.json" > "$out/$r-t$t.log" 2>&1
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def load(r, t):
    rows = {}
    for b in json.load(open(f"{out}/{r}-t{t}.json")):
        name = b["benchmark"].rsplit(".", 1)[1]
        alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        rows[name] = (b["primaryMetric"]["score"], alloc)
    return rows
rows_order = ["direct", "routerRandom", "routerSticky", "telemetryRandom", "telemetrySticky", "samplingOffSticky",
              "samplingAllSticky", "circuitBreaker", "micrometerTimer", "twoClockReads", "floorRandom", "floorSticky"]
def floor_of(name):
    return "floorSticky" if "Sticky" in name else "floorRandom"
figures = {}
def keep(key, value):
    figures.setdefault(key, []).append(value)
for r in range(rounds):
    for t in (1, 2):
        rows = load(r, t)
        d, cb = rows["direct"][0], rows["circuitBreaker"][0]
        for name in rows_order:
            if name in rows:
                keep((name, t, "ns"), rows[name][0])
                if floor_of(name) in rows:
                    keep((name, t, "floor"), rows[name][0] / rows[floor_of(name)][0])
                keep((name, t, "cb"), (rows[name][0] - d) / (cb - d))
                if rows[name][1] is not None:
                    keep((name, t, "B/op"), rows[name][1])
    one, two = load(r, 1), load(r, 2)
    direct_scale = 2 * one["direct"][0] / two["direct"][0]
    for name in rows_order:
        if name in one and name in two:
            keep((name, 0, "scale"), 2 * one[name][0] / two[name][0])
            # how the row scaled against how the bare model call scaled in the same run: a loaded host that gives
            # the second thread no core of its own shows in `direct` too
            keep((name, 0, "scale/direct"), 2 * one[name][0] / two[name][0] / direct_scale)
def fmt(key, digits=2):
    xs = figures.get(key)
    if not xs:
        return "–"
    m = statistics.median(xs)
    return f"{m:.{digits}f} ({min(xs):.{digits}f}–{max(xs):.{digits}f})" if len(xs) > 1 else f"{m:.{digits}f}"
loads = [open(f"{out}/{r}-t{t}.load").read().strip() for r in range(rounds) for t in (1, 2)]
print(f"{rounds} round(s); median (min–max over rounds); 1-min load average before each run: {' '.join(loads)}")
print("| benchmark | 1 t ns/op | ÷ floor | overhead ÷ CB overhead | 2 t ns/op | ÷ floor | overhead ÷ CB overhead | 2 t / 1 t throughput | ÷ `direct`'s | B/op |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for name in rows_order:
    if (name, 1, "ns") not in figures:
        continue
    print(f"| `{name}` | {fmt((name, 1, 'ns'), 1)} | {fmt((name, 1, 'floor'))} | {fmt((name, 1, 'cb'))} | "
          f"{fmt((name, 2, 'ns'), 1)} | {fmt((name, 2, 'floor'))} | {fmt((name, 2, 'cb'))} | {fmt((name, 0, 'scale'))} | "
          f"{fmt((name, 0, 'scale/direct'))} | "
          f"{fmt((name, 1, 'B/op'), 0)} |")
PY
echo "raw results: $out"
