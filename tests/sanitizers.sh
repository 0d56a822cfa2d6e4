#!/usr/bin/env bash
# Runs the Swift test suites under sanitizers and fails on any sanitizer
# report:
#
#   AddressSanitizer           Swift decoding tests, then the Kafka tests
#   UndefinedBehaviorSanitizer Swift decoding tests, skipped where swiftc
#                              rejects -sanitize=undefined (Swift 6.3.1 on
#                              Linux does); the C decoding and misuse tests,
#                              the C example and the C++ binding's tests
#
# UBSan instruments C and C++ code as clang and gcc compile it. Where swiftc
# has no -sanitize=undefined, the Swift code relies on its own checks:
# arithmetic overflow, array bounds and exclusive access trap in every
# build, and `swift test` builds in debug mode, which also checks the index
# of every UnsafeBufferPointer access. UBSan then covers the C and C++ side
# of the interface: the C decoding and misuse tests, the C example and the
# C++ binding's tests. They are built with gcc's -fsanitize=undefined, run
# against the real library, and stop at the first report. Only these
# calling programs are instrumented, not the library or librdkafka.
#
#     tests/sanitizers.sh [--no-kafka]
#
# Each sanitizer builds the package once into its own scratch folder
# (build/asan, build/ubsan), so the first run takes about 10 minutes on two
# cores. The decoding tests read the decoding test vectors from
# $MW_SHARED_DIR/vectors and skip them when that folder is missing. The Kafka tests start
# librdkafka's mock cluster in the test process; --no-kafka leaves them out.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export MW_SHARED_DIR=${MW_SHARED_DIR:-$root/../shared}
logs=$root/build/sanitizer-logs
mkdir -p "$logs"

run_kafka=1
if [ "${1:-}" = "--no-kafka" ]; then
    run_kafka=0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--no-kafka]" >&2
    exit 64
fi

# Stop at the first report, with a symbolized stack. LeakSanitizer runs at
# process exit but does not decide the exit status (see library_leaks).
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:print_summary=1
export LSAN_OPTIONS=exitcode=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:print_summary=1
# Swift's own crash backtracer would otherwise spend minutes symbolizing
# after a sanitizer aborts the process.
export SWIFT_BACKTRACE=enable=no

# An AddressSanitizer or UBSan error. Leaks are checked by library_leaks.
report_pattern='ERROR: AddressSanitizer|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer): [a-z-]+ '

# Prints the LeakSanitizer reports of a log whose allocation stack passes
# through the library's own code (Sources/, or a symbol of the modules
# MisterWebhooksDecoding, MisterWebhooksKafka or MisterWebhooksExports).
#
# The other reports are ignored because the test harness leaks. XCTest of
# Swift 6.3.1 never frees a weak reference that awaitUsingExpectation()
# forms to each test case, and Foundation.Process.run() leaks the same way.
# So every XCTestCase, XCTestCaseRun and what they hold is reported at exit.
# Suppressing those roots does not help, because LeakSanitizer still
# reports what they reach as indirect leaks.
# NOTE: a test case that keeps a library object in a stored property would
# show up here too, as a leak of the harness rather than of the library.
library_leaks() {
    python3 - "$1" "$root/Sources/" <<'PY'
import re
import sys

log, sources = sys.argv[1], sys.argv[2]
library_frame = re.compile(r" in \$s(22MisterWebhooksDecoding|19MisterWebhooksKafka|21MisterWebhooksExports)")
text = open(log, encoding="utf-8", errors="replace").read()
for block in re.split(r"\n\s*\n", text):
    if not re.match(r"\s*(Direct|Indirect) leak of", block):
        continue
    frames = [line for line in block.splitlines() if re.match(r"\s*#\d+ ", line)]
    if any(sources in line or library_frame.search(line) for line in frames):
        print(block.strip())
PY
}

passed=0
failed=0
skipped=0
summary=()

# Runs `swift test` with one sanitizer and one filter, and records the result
# and the wall-clock time.
run_sanitized() {
    local name=$1 sanitizer=$2 scratch=$3 filter=$4
    local log=$logs/$name.log
    echo
    echo "=== $name: swift test --sanitize=$sanitizer --scratch-path $scratch --filter $filter"
    local start=$SECONDS
    swift test --sanitize="$sanitizer" --scratch-path "$scratch" --filter "$filter" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    local elapsed=$((SECONDS - start))
    local tests
    tests=$(grep -E "Executed [0-9]+ tests" "$log" | tail -1 | sed -E 's/^[[:space:]]+//')

    local leaks
    leaks=$(library_leaks "$log")
    local harness_leaks
    harness_leaks=$(grep -cE "^(Direct|Indirect) leak of" "$log")

    if grep -q "unsupported option '-sanitize=$sanitizer'" "$log"; then
        summary+=("SKIP  $name: swiftc $(swiftc --version 2>&1 | sed -n 's/.*Swift version \([^ ]*\).*/\1/p') does not support -sanitize=$sanitizer on this platform")
        skipped=$((skipped + 1))
    elif [ "$status" -ne 0 ]; then
        summary+=("FAIL  $name (exit $status, ${elapsed} s): ${tests:-see $log}")
        failed=$((failed + 1))
    elif grep -qE "$report_pattern" "$log"; then
        summary+=("FAIL  $name (${elapsed} s): sanitizer report in $log")
        failed=$((failed + 1))
    elif [ -n "$leaks" ]; then
        echo "--- leaks allocated by the library:"
        echo "$leaks"
        summary+=("FAIL  $name (${elapsed} s): memory allocated by the library leaked, see $log")
        failed=$((failed + 1))
    else
        summary+=("PASS  $name (${elapsed} s): ${tests:-ok}; $harness_leaks leak reports, none from the library")
        passed=$((passed + 1))
    fi
}

# Runs a command built with -fsanitize=undefined and records the result.
run_c_sanitized() {
    local name=$1
    shift
    local log=$logs/$name.log
    echo
    echo "=== $name: $*"
    local start=$SECONDS
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    local elapsed=$((SECONDS - start))
    local tests
    tests=$(grep -E "^[0-9]+ passed" "$log" | tail -1)

    if [ "$status" -ne 0 ]; then
        summary+=("FAIL  $name (exit $status, ${elapsed} s): ${tests:-see $log}")
        failed=$((failed + 1))
    elif grep -qE "$report_pattern" "$log"; then
        summary+=("FAIL  $name (${elapsed} s): sanitizer report in $log")
        failed=$((failed + 1))
    else
        summary+=("PASS  $name (${elapsed} s): ${tests:-ok}")
        passed=$((passed + 1))
    fi
}

# Builds the C tests and the C example with UBSan against build/lib.
build_c_ubsan() {
    local flags=(-std=c99 -g -Wall -Wextra -pedantic -Werror -fsanitize=undefined -fno-sanitize-recover=all
        -Iinclude -Lbuild/lib -Wl,-rpath,"$root/build/lib")
    mkdir -p build/ubsan-c
    cc "${flags[@]}" tests/c/test_decode.c -lmisterwebhooks -o build/ubsan-c/test_decode &&
    cc "${flags[@]}" tests/c/test_misuse.c -lmisterwebhooks -lpthread -o build/ubsan-c/test_misuse &&
    cc "${flags[@]}" bindings/c/examples/consume.c -lmisterwebhooks -o build/ubsan-c/consume
}

run_sanitized asan-decoding address build/asan MisterWebhooksDecodingTests
run_sanitized ubsan-decoding undefined build/ubsan MisterWebhooksDecodingTests
if [ "$run_kafka" -eq 1 ]; then
    run_sanitized asan-kafka address build/asan MisterWebhooksKafkaTests
fi

tool=$root/build/bin/mister-webhooks
if [ ! -f build/lib/libmisterwebhooks.so ] || [ ! -x "$tool" ]; then
    summary+=("FAIL  ubsan-c: build/lib/libmisterwebhooks.so or $tool missing; run make lib tool")
    failed=$((failed + 1))
elif ! build_c_ubsan; then
    summary+=("FAIL  ubsan-c: the C tests do not compile with -fsanitize=undefined")
    failed=$((failed + 1))
else
    run_c_sanitized ubsan-c-decode build/ubsan-c/test_decode
    if [ "$run_kafka" -eq 1 ]; then
        run_c_sanitized ubsan-c-misuse tests/c/test_misuse.sh build/ubsan-c/test_misuse "$tool"
        run_c_sanitized ubsan-c-example tests/c/test_consume.sh build/ubsan-c/consume "$tool" "$root/examples/samples"
        CXXFLAGS="-g -fsanitize=undefined -fno-sanitize-recover=all" OUT=$root/build/ubsan-c/cpp \
            run_c_sanitized ubsan-cpp bindings/cpp/test.sh
    fi
fi

echo
echo "=== summary (logs in $logs)"
for line in "${summary[@]}"; do
    echo "$line"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
