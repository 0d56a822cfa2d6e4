#!/usr/bin/env bash
# Runs the Python consumer benchmark: sets up a virtual environment with the
# binding and the other clients' packages, seeds a development broker
# (librdkafka's mock cluster on 127.0.0.1) with the GitHub webhook corpus,
# and compares three Python consumers over the same records, each in a new
# consumer group per run. Prints a markdown table.
#
# usage: bench/python/run.sh
#
# Needs build/lib/libmisterwebhooks.so and build/bin/mister-webhooks from
# 'make lib tool'. Environment:
#   REPEAT         times each corpus file is published (default 16: 4,368 events)
#   PARTITIONS     partitions of the topic (default 32); the mock cluster keeps
#                  only about 5 MB per partition and drops older records
#   RUNS           runs of each consumer (default 3)
#   MW_SHARED_DIR  folder holding corpus/github (default: ../shared beside
#                  the repository)
set -euo pipefail

repository_root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repository_root"

repeat=${REPEAT:-16}
partitions=${PARTITIONS:-32}
runs=${RUNS:-3}
corpus=${MW_SHARED_DIR:-$repository_root/../shared}/corpus/github
library=$repository_root/build/lib/libmisterwebhooks.so
tool=$repository_root/build/bin/mister-webhooks
venv=$repository_root/build/bench-python-venv
topic=bench-python

# The published client 1.0.0 pins kafka-python 2.2.15 and avro 1.11.3.
packages=("kafka-python==2.2.15" "avro==1.11.3" cbor2 confluent-kafka fastavro)

if [ ! -f "$library" ] || [ ! -x "$tool" ]; then
    echo "library or tool not found in build/; build them with 'make lib tool'" >&2
    exit 2
fi
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

# --- Virtual environment -------------------------------------------------

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# One package at a time, so that one that cannot be installed only skips
# the consumer that needs it; consume_bench.py prints which.
for package in "${packages[@]}"; do
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "$package"; then
        echo "could not install $package; the consumers that need it are skipped" >&2
    fi
done
"$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./bindings/python

# --- Broker --------------------------------------------------------------

echo "starting the development broker: $partitions partitions, corpus published $repeat times" >&2
"$tool" dev-broker --topic "$topic" --partitions "$partitions" --seed "$corpus" \
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
published=$(sed -n 's/.*published \([0-9][0-9]*\) sample events.*/\1/p' "$work/broker.err")
if [ ! -s "$work/broker.out" ] || [ -z "$published" ]; then
    cat "$work/broker.err" >&2
    echo "the development broker printed no bootstrap address or event count within 120 s" >&2
    exit 1
fi

# --- Runs ----------------------------------------------------------------

MISTER_WEBHOOKS_LIBRARY=$library "$venv/bin/python" bench/python/consume_bench.py \
    --profile "$work/dev-profile.json" --topic "$topic" --expected "$published" --runs "$runs"
