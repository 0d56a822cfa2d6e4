#!/usr/bin/env bash
# Builds the C++ binding's test and example with -Werror against build/lib,
# starts a dev-broker seeded with examples/samples, runs the test and the
# example against it, and stops the broker. Ends with "N passed, M failed".
#
# usage: bindings/cpp/test.sh   (after `make lib tool` in the repository root)
#
# CXXFLAGS adds compiler flags, for example a sanitizer. OUT sets the folder
# of the built programs (default build/cpp-tests).
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export MW_SHARED_DIR=${MW_SHARED_DIR:-$root/../shared}
tool=$root/build/bin/mister-webhooks
samples=$root/examples/samples
out=${OUT:-$root/build/cpp-tests}
work=$(mktemp -d)
mkdir -p "$out"
# shellcheck source=../../tests/lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

compile() {
    # shellcheck disable=SC2086 # CXXFLAGS holds several flags.
    g++ -std=c++17 -Wall -Wextra -pedantic -Werror ${CXXFLAGS:-} -Iinclude -Ibindings/cpp "$1" \
        -Lbuild/lib -lmisterwebhooks -pthread -Wl,-rpath,"$root/build/lib" -o "$2"
}

if ! compile bindings/cpp/tests/test_cpp.cpp "$out/test_cpp" ||
    ! compile bindings/cpp/examples/consume.cpp "$out/consume"; then
    echo "0 passed, 1 failed (compilation)"
    exit 1
fi

if ! dev_broker_start "$tool" "$work" --topic cpp-webhooks --partitions 2 --seed "$samples"; then
    echo "0 passed, 1 failed (dev-broker)"
    exit 1
fi

timeout 300 "$out/test_cpp" "$dev_broker_bootstrap" cpp-webhooks "$samples" | tee "$work/test.out"
test_status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/test.out" | tail -1)
passed=${summary%% passed*}
failed=${summary#*, }
failed=${failed%% failed*}
if [ -z "$summary" ]; then
    passed=0
    failed=1
    echo "FAIL test_cpp ended without a summary (exit $test_status)"
fi

# The example prints one line per event and exits 0 after MAX_EVENTS events.
expected=$(find "$samples" -name '*.json' | wc -l)
timeout 120 "$out/consume" cpp-webhooks "$work/profile.json" "$expected" >"$work/example.out" 2>"$work/example.err"
example_status=$?
if [ "$example_status" -eq 0 ] && [ "$(wc -l <"$work/example.out")" -eq "$expected" ]; then
    echo "ok   example consume prints $expected events"
    passed=$((passed + 1))
else
    echo "FAIL example consume (exit $example_status, $(wc -l <"$work/example.out") lines):"
    cat "$work/example.err"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$test_status" -eq 0 ]
