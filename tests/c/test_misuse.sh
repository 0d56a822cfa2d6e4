#!/usr/bin/env bash
# Runs a build of tests/c/test_misuse.c against a development broker of its
# own, seeded with examples/samples. Ends with test_misuse's "N passed,
# M failed" line and its exit status.
#
# usage: tests/c/test_misuse.sh TEST_MISUSE_BINARY MISTER_WEBHOOKS_BINARY
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 TEST_MISUSE_BINARY MISTER_WEBHOOKS_BINARY" >&2
    exit 64
fi
test_misuse=$1
tool=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
broker=""

cleanup() {
    if [ -n "$broker" ]; then
        kill "$broker" 2>/dev/null
        wait "$broker" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$tool" dev-broker --topic misuse --seed "$root/examples/samples" --profile-out "$work/profile.json" \
    >"$work/bootstrap" 2>"$work/broker.err" &
broker=$!
for _ in $(seq 1 300); do
    [ -s "$work/bootstrap" ] && break
    sleep 0.1
done
if [ ! -s "$work/bootstrap" ]; then
    cat "$work/broker.err" >&2
    echo "0 passed, 1 failed (the development broker did not start)"
    exit 1
fi

"$test_misuse" "$(cat "$work/bootstrap")" misuse
