#!/usr/bin/env bash
# Measures the RSS of a consumer over 200,000 events: it should end within
# 10 MB of the RSS after the first 20,000 (the library reuses one event for
# every record and caps librdkafka's prefetch queue).
#
# usage: bench/memory/run.sh
#
# EVENTS (default 200,000, a multiple of the 5 samples) and PARTITIONS
# (default 64: the mock cluster keeps only about 5 MB per partition) change
# the setup.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
events=${EVENTS:-200000}
partitions=${PARTITIONS:-64}
work=$(mktemp -d)
broker=""

cleanup() {
    if [ -n "$broker" ]; then
        kill "$broker" 2>/dev/null || true
        wait "$broker" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

make lib >/dev/null
[ -x build/bin/mister-webhooks ] || make tool >/dev/null
mkdir -p build/bench-memory
cc -O2 -std=c99 -Wall -Wextra -Iinclude bench/memory/rss_bench.c -Lbuild/lib -lmisterwebhooks \
    -Wl,-rpath,"$root/build/lib" -o build/bench-memory/rss_bench

samples=$(find examples/samples -name '*.json' | wc -l)
build/bin/mister-webhooks dev-broker --topic memory --partitions "$partitions" --seed examples/samples \
    --repeat $((events / samples)) --profile-out "$work/profile.json" >"$work/bootstrap" 2>"$work/broker.err" &
broker=$!
for _ in $(seq 1 1200); do
    [ -s "$work/bootstrap" ] && break
    sleep 0.1
done
[ -s "$work/bootstrap" ] || { cat "$work/broker.err" >&2; exit 1; }

build/bench-memory/rss_bench memory "$work/profile.json" "$events" | tee "$work/rss.txt"

first=$(awk -F'rss_kib=' '/^events=20000 /{print $2}' "$work/rss.txt")
last=$(awk -F'rss_kib=' '/^events=/{value=$2} END{print value}' "$work/rss.txt")
peak=$(awk -F= '/^peak_rss_kib/{print $2}' "$work/rss.txt")
growth=$((last - first))
echo
echo "| events | RSS after 20,000 (MiB) | RSS after $events (MiB) | growth (MiB) | peak RSS (MiB) |"
echo "| ---: | ---: | ---: | ---: | ---: |"
awk -v e="$events" -v a="$first" -v b="$last" -v g="$growth" -v p="$peak" \
    'BEGIN{printf "| %d | %.1f | %.1f | %.1f | %.1f |\n", e, a/1024, b/1024, g/1024, p/1024}'
if [ "$growth" -gt 10240 ]; then
    echo "RSS grew by more than 10 MB between 20,000 and $events events" >&2
    exit 1
fi
