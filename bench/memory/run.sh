#!/usr/bin/env bash
# Measures the RSS of a C consumer over 200,000 small events, twice:
#
#   live     once the consumer has its partitions, `mister-webhooks publish`
#            sends the events at RATE events per second while the consumer
#            reads them, as webhooks arrive in production. The RSS must end
#            within 10 MB of the RSS after the first 20,000 events, or the
#            script fails.
#   backlog  every event is published before the consumer starts, as after
#            a consumer was down. librdkafka's prefetch queue then fills to
#            its 64 MiB cap and drains again, and the RSS rises and falls with
#            it. The script reports the samples and the peak without a limit.
#
# usage: bench/memory/run.sh [live|backlog]... (default: both)
#
# EVENTS (default 200,000, a multiple of the 5 samples), RATE (default
# 20,000 events per second) and PARTITIONS (default 64: the mock cluster
# keeps only about 5 MB per partition) change the setup.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
events=${EVENTS:-200000}
rate=${RATE:-20000}
partitions=${PARTITIONS:-64}
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(live backlog)
for mode in "${modes[@]}"; do
    case $mode in
        live|backlog) ;;
        *) echo "usage: $0 [live|backlog]..." >&2; exit 64 ;;
    esac
done

work=$(mktemp -d)
# shellcheck source=../../tests/lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

make lib >/dev/null
[ -x build/bin/mister-webhooks ] || make tool >/dev/null
mkdir -p build/bench-memory
cc -O2 -std=c99 -Wall -Wextra -Iinclude bench/memory/rss_bench.c -Lbuild/lib -lmisterwebhooks \
    -Wl,-rpath,"$root/build/lib" -o build/bench-memory/rss_bench

samples=$(find examples/samples -name '*.json' | wc -l)

# Starts a development broker with the topic, and with its events already
# published when called with --seed.
start_broker() {
    local seed=()
    if [ "${1:-}" = --seed ]; then
        seed=(--seed examples/samples --repeat $((events / samples)))
    fi
    dev_broker_start build/bin/mister-webhooks "$work" --topic memory --partitions "$partitions" "${seed[@]}" || exit 1
}

# Consumes a live stream: publishing starts once the consumer logged its
# partition assignment, so the events do not pile up during the group join.
#
# fetch.wait.max.ms=10 emulates a real broker's prompt fetch response. A
# Kafka broker responds to a waiting fetch as soon as new records arrive, but
# librdkafka's mock cluster (2.0.2) delays an empty fetch for the whole
# fetch.wait.max.ms (500 ms by default) whatever is produced meanwhile, so
# with the default each fetch returns half a second of events at once.
run_live() {
    start_broker
    build/bench-memory/rss_bench memory "$work/profile.json" "$events" fetch.wait.max.ms=10 >"$work/live.txt" 2>"$work/live.err" &
    local consumer=$!
    for _ in $(seq 1 600); do
        grep -q "partitions assigned" "$work/live.err" && break
        kill -0 "$consumer" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q "partitions assigned" "$work/live.err"; then
        cat "$work/live.err" >&2
        echo "live: the consumer got no partitions within 60 s" >&2
        kill "$consumer" 2>/dev/null || true
        exit 1
    fi
    build/bin/mister-webhooks publish --profile "$work/profile.json" --topic memory \
        --count "$events" --rate "$rate" examples/samples/1-github-push.json
    local status=0
    wait "$consumer" || status=$?
    cat "$work/live.txt"
    if [ "$status" -ne 0 ]; then
        cat "$work/live.err" >&2
        exit 1
    fi
}

run_backlog() {
    start_broker --seed
    build/bench-memory/rss_bench memory "$work/profile.json" "$events" 2>"$work/backlog.err" | tee "$work/backlog.txt" \
        || { cat "$work/backlog.err" >&2; exit 1; }
}

rows=()
failed=0
for mode in "${modes[@]}"; do
    echo "=== $mode"
    "run_$mode"
    dev_broker_stop

    first=$(awk -F'rss_kib=' '/^events=20000 /{print $2}' "$work/$mode.txt")
    last=$(awk -F'rss_kib=' '/^events=/{value=$2} END{print value}' "$work/$mode.txt")
    peak=$(awk -F= '/^peak_rss_kib/{print $2}' "$work/$mode.txt")
    seconds=$(awk -F= '/^seconds/{print $2}' "$work/$mode.txt")
    growth=$((last - first))
    rows+=("$(awk -v m="$mode" -v e="$events" -v a="$first" -v b="$last" -v g="$growth" -v p="$peak" -v s="$seconds" \
        'BEGIN{printf "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.0f |", m, e, a/1024, b/1024, g/1024, p/1024, e/s}')")
    # 10 MB is 9,766 KiB.
    if [ "$mode" = live ] && [ "$growth" -gt 9766 ]; then
        echo "live: RSS grew by $growth KiB between 20,000 and $events events, more than 10 MB" >&2
        failed=1
    fi
done

echo
echo "| run | events | RSS after 20,000 (MiB) | RSS at the end (MiB) | growth (MiB) | peak RSS (MiB) | events/s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
exit "$failed"
