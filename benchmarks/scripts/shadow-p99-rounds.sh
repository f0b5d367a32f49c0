#!/usr/bin/env bash
# The shadow's effect on the primary's p99, measured in alternating rounds so that slow drifts of a
# shared machine hit both arms alike: each round runs ShadowBenchmark.shadowOff, .shadowOffTwin (an
# identical router: the A/A noise floor) and .shadowOn in one fork each, in an order that rotates
# every round, then prints per-round p99s and the median of the per-round ratios.
#
# usage: benchmarks/scripts/shadow-p99-rounds.sh [ROUNDS] [extra JMH args, e.g. -p shadowWork=wait]
# needs: mvn -B -q -pl benchmarks -am -Dmaven.test.skip=true package   (builds benchmarks/target/benchmarks.jar)
set -euo pipefail
rounds="${1:-8}"
shift || true
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
out="$(mktemp -d)"
arms=(shadowOff shadowOffTwin shadowOn)
for ((r = 0; r < rounds; r++)); do
  for ((k = 0; k < 3; k++)); do
    arm="${arms[$(((r + k) % 3))]}"
    JAR="$jar" "$root/benchmarks/scripts/jmh.sh" "ShadowBenchmark\.${arm}\$" -f 1 -wi 2 -i 3 -w 2s -r 2s "$@" \
        -rf json -rff "$out/$r-$arm.json" > "$out/$r-$arm.log" 2>&1
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def p(r, arm, q):
    return json.load(open(f"{out}/{r}-{arm}.json"))[0]["primaryMetric"]["scorePercentiles"][q]
print("| round | off p99 µs | twin p99 µs | on p99 µs | on / off | twin / off | on p95 / off p95 |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
on_off, twin_off, p95 = [], [], []
for r in range(rounds):
    off, twin, on = (p(r, a, "99.0") for a in ("shadowOff", "shadowOffTwin", "shadowOn"))
    on_off.append(on / off); twin_off.append(twin / off); p95.append(p(r, "shadowOn", "95.0") / p(r, "shadowOff", "95.0"))
    print(f"| {r + 1} | {off:.2f} | {twin:.2f} | {on:.2f} | {on / off:.3f} | {twin / off:.3f} | {p95[-1]:.3f} |")
q = lambda xs: statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
print(f"\nmedian on/off p99 {statistics.median(on_off):.3f} (quartiles {q(on_off)[0]:.3f}..{q(on_off)[2]:.3f}); "
      f"median A/A twin/off p99 {statistics.median(twin_off):.3f} (quartiles {q(twin_off)[0]:.3f}..{q(twin_off)[2]:.3f}); "
      f"median on/off p95 {statistics.median(p95):.3f}")
PY
echo "raw results: $out"
