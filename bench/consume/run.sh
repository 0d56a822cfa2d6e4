#!/usr/bin/env bash
# Runs the consume benchmark. It builds the library, the tool when it is
# missing, and the three C programs. It seeds a development broker
# (librdkafka's mock cluster on 127.0.0.1) with the GitHub webhook corpus and
# checks that the broker kept every record. Then it consumes the topic with
# libmisterwebhooks and with a plain librdkafka consumer in turn, each run in
# a new consumer group, and prints a markdown table.
#
# usage: bench/consume/run.sh
#
# Environment:
#   REPEAT         times each corpus file is published (default 74: 20,202 events)
#   PARTITIONS     partitions of the topic (default 384, see the README)
#   RUNS           runs of each consumer (default 3)
#   BENCH_OPTIONS  space-separated KEY=VALUE librdkafka properties set on
#                  both consumers, for example "queued.max.messages.kbytes=65536"
#   MW_SHARED_DIR  folder holding corpus/github (default: ../shared beside
#                  the repository)
set -euo pipefail

repository_root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repository_root"

repeat=${REPEAT:-74}
partitions=${PARTITIONS:-384}
runs=${RUNS:-3}
read -r -a options <<< "${BENCH_OPTIONS:-}"
corpus=${MW_SHARED_DIR:-$repository_root/../shared}/corpus/github
topic=bench-webhooks
timeout_seconds=120
binaries=$repository_root/build/bench-consume

if [ ! -d "$corpus" ]; then
    echo "GitHub webhook corpus not found at $corpus; set MW_SHARED_DIR" >&2
    exit 2
fi

work=$(mktemp -d)
broker_pid=
stop_broker() {
    if [ -n "$broker_pid" ]; then
        kill -TERM "$broker_pid" 2>/dev/null || true
        wait "$broker_pid" 2>/dev/null || true
        broker_pid=
    fi
}
cleanup() {
    stop_broker
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Build ---------------------------------------------------------------

# The library is always rebuilt, so the numbers are those of the current
# sources. The tool only serves as the broker, and it is built only when it
# is missing, because 'make tool' copies over build/bin/mister-webhooks and
# that fails ("Text file busy") while any development broker runs.
targets=lib
if [ ! -x build/bin/mister-webhooks ]; then
    targets="lib tool"
fi
echo "building: make $targets" >&2
if ! make $targets > "$work/make.log" 2>&1; then
    cat "$work/make.log" >&2
    exit 1
fi

mkdir -p "$binaries"
for program in mw_consume_bench rdkafka_consume_bench check_watermarks; do
    cc -O2 -std=c99 -Wall -Wextra -pedantic -Iinclude "bench/consume/$program.c" \
        -Lbuild/lib -lmisterwebhooks -lrdkafka -Wl,-rpath,"$repository_root/build/lib" \
        -o "$binaries/$program"
done

# --- Broker --------------------------------------------------------------

echo "starting the development broker: $partitions partitions, corpus published $repeat times" >&2
build/bin/mister-webhooks dev-broker --topic "$topic" --partitions "$partitions" --seed "$corpus" \
    --repeat "$repeat" --profile-out "$work/dev-profile.json" > "$work/broker.out" 2> "$work/broker.err" &
broker_pid=$!

# The broker prints its bootstrap address once every event is published.
for _ in $(seq 600); do
    if [ -s "$work/broker.out" ]; then
        break
    fi
    if ! kill -0 "$broker_pid" 2>/dev/null; then
        cat "$work/broker.err" >&2
        echo "the development broker exited before it published the events" >&2
        exit 1
    fi
    sleep 0.2
done
bootstrap=$(head -n 1 "$work/broker.out")
published=$(sed -n 's/.*published \([0-9][0-9]*\) sample events.*/\1/p' "$work/broker.err")
if [ -z "$bootstrap" ] || [ -z "$published" ]; then
    cat "$work/broker.err" >&2
    echo "the development broker printed no bootstrap address or event count within 120 s" >&2
    exit 1
fi

"$binaries/check_watermarks" "$bootstrap" "$topic" "$published" >&2

# --- Runs ----------------------------------------------------------------

# Prints the value of KEY from a line of key=value pairs.
field() {
    tr ' ' '\n' <<< "$2" | sed -n "s/^$1=//p"
}

# Prints the median of the numbers on standard input (the lower one of the
# middle two for an even count).
median() {
    sort -n | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'
}

: > "$work/mw.txt"
: > "$work/rdkafka.txt"
for run in $(seq "$runs"); do
    group=bench-mw-$run-$$
    printf '{"consumer_name": "%s", "kafka": {"bootstrap": "%s", "security_protocol": "PLAINTEXT"}}\n' \
        "$group" "$bootstrap" > "$work/profile-$run.json"
    result=$("$binaries/mw_consume_bench" "$work/profile-$run.json" "$topic" "$published" \
        "$timeout_seconds" ${options[@]+"${options[@]}"})
    echo "run $run libmisterwebhooks: $result" >&2
    echo "$result" >> "$work/mw.txt"

    group=bench-rdkafka-$run-$$
    result=$("$binaries/rdkafka_consume_bench" "$bootstrap" "$topic" "$group" "$published" \
        "$timeout_seconds" ${options[@]+"${options[@]}"})
    echo "run $run plain librdkafka: $result" >&2
    echo "$result" >> "$work/rdkafka.txt"
done

stop_broker

# --- Table ---------------------------------------------------------------

# Prints "events/s, events/s with join, peak RSS in MiB" over the runs in FILE.
summarize() {
    local lines
    lines=$(cat "$1")
    local rate join rss
    rate=$(while read -r line; do field events_per_second "$line"; done <<< "$lines" | median)
    join=$(while read -r line; do field events_per_second_with_join "$line"; done <<< "$lines" | median)
    rss=$(while read -r line; do field max_rss_kib "$line"; done <<< "$lines" | sort -n | tail -n 1)
    echo "$rate $join $(awk -v kib="$rss" 'BEGIN { printf "%.1f", kib / 1024 }')"
}

read -r mw_rate mw_join mw_rss <<< "$(summarize "$work/mw.txt")"
read -r plain_rate plain_join plain_rss <<< "$(summarize "$work/rdkafka.txt")"
ratio=$(awk -v a="$mw_rate" -v b="$plain_rate" 'BEGIN { printf "%.2f", a / b }')

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
librdkafka=$(pkg-config --modversion rdkafka 2>/dev/null || echo unknown)
echo
echo "$published events on $partitions partitions, $runs runs of each consumer, ${cpu:-unknown CPU}" \
    "($(nproc) cores), librdkafka $librdkafka${BENCH_OPTIONS:+, options: $BENCH_OPTIONS}"
echo
echo "| consumer | events | events/s (median of $runs) | events/s with group join | peak RSS (MiB) |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| libmisterwebhooks | $published | $mw_rate | $mw_join | $mw_rss |"
echo "| plain librdkafka | $published | $plain_rate | $plain_join | $plain_rss |"
echo
echo "libmisterwebhooks / plain librdkafka: $ratio (target: at least 0.7)"
