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
# shellcheck source=../lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

if ! dev_broker_start "$tool" "$work" --topic misuse --seed "$root/examples/samples"; then
    echo "0 passed, 1 failed (the development broker did not start)"
    exit 1
fi

"$test_misuse" "$dev_broker_bootstrap" misuse
