#!/usr/bin/env bash
# Runs C programs linked to the built library under Valgrind's memcheck and
# fails on any invalid memory access or definite or indirect leak:
#
#   1. the C example, bindings/c/examples/consume.c, reading 1,000 events
#      (the 5 samples of examples/samples published 200 times) from a
#      development broker with one partition: the consumer, the profile and
#      every handled event;
#   2. the same example with a missing profile file: the error path;
#   3. tests/c/test_decode.c: mw_event_decode, copies, errors and their
#      _free functions.
#
#     tests/valgrind.sh
#
# Needs `make lib tool` first, valgrind and a C compiler. tests/valgrind.supp
# lists what remains allocated at exit and suppresses the one-time blocks of
# the Swift runtime. Logs go to build/valgrind. Ends with "N passed, M failed".
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
library=$root/build/lib/libmisterwebhooks.so
tool=$root/build/bin/mister-webhooks
work=$root/build/valgrind
events=1000
repeat=200
topic=valgrind

for file in "$library" "$tool"; do
    if [ ! -e "$file" ]; then
        echo "$file not found: run \`make lib tool\` first" >&2
        exit 1
    fi
done
if ! command -v valgrind >/dev/null; then
    echo "valgrind not found: install the Debian package valgrind" >&2
    exit 1
fi
if [ "$(find examples/samples -name '*.json' | wc -l)" -ne $((events / repeat)) ]; then
    echo "examples/samples must hold $((events / repeat)) *.json files for $events events" >&2
    exit 1
fi

rm -rf "$work"
mkdir -p "$work"
# shellcheck source=lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"
# shellcheck source=lib/check.sh
source "$root/tests/lib/check.sh"
trap dev_broker_stop EXIT

# Runs a program under memcheck, for at most 15 minutes (exit status 124).
# --error-exitcode=99 keeps Valgrind's verdict apart from the program's own
# exit status 1.
memcheck() {
    local log=$1
    shift
    timeout 900 valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --num-callers=40 --track-origins=yes --gen-suppressions=all \
        --suppressions="$root/tests/valgrind.supp" --log-file="$log" "$@"
}

# Checks a memcheck log: no errors (invalid accesses, uninitialised values,
# counted leaks) and nothing definitely or indirectly lost.
check_log() {
    local name=$1 log=$2
    check "$name: no memcheck errors" grep -q "ERROR SUMMARY: 0 errors" "$log"
    check "$name: nothing definitely lost" grep -qE "definitely lost: 0 bytes|no leaks are possible" "$log"
    check "$name: nothing indirectly lost" grep -qE "indirectly lost: 0 bytes|no leaks are possible" "$log"
    if ! grep -q "ERROR SUMMARY: 0 errors" "$log"; then
        echo "--- first errors in $log:"
        grep -E "^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|[0-9,]+ .*bytes in)" -A 16 "$log" | head -80
    fi
}

# MARK: - Build

cflags=(-std=c99 -g -O1 -Wall -Wextra -pedantic -Werror -Iinclude)
libs=(-Lbuild/lib -lmisterwebhooks -Wl,-rpath,"$root/build/lib")
if ! cc "${cflags[@]}" bindings/c/examples/consume.c "${libs[@]}" -o "$work/consume" ||
    ! cc "${cflags[@]}" tests/c/test_decode.c "${libs[@]}" -o "$work/test_decode"; then
    echo "compiling the C programs failed" >&2
    exit 1
fi

# MARK: - 1. The C example against a broker

dev_broker_start "$tool" "$work" --topic "$topic" --partitions 1 --seed examples/samples --repeat "$repeat" || exit 1

start=$SECONDS
memcheck "$work/consume.memcheck.log" "$work/consume" "$topic" "$work/profile.json" "$events" \
    >"$work/consume.out" 2>"$work/consume.err"
status=$?
echo "consume under memcheck: $((SECONDS - start)) s"
check "consume exits 0 (99: memcheck errors)" test "$status" -eq 0
check "consume prints $events events" test "$(wc -l <"$work/consume.out")" -eq "$events"
check_log consume "$work/consume.memcheck.log"

dev_broker_stop

# MARK: - 2. The error path

memcheck "$work/missing-profile.memcheck.log" "$work/consume" "$topic" "$work/missing/profile.json" 1 \
    >/dev/null 2>"$work/missing-profile.err"
status=$?
check "consume with a missing profile exits 1 (99: memcheck errors)" test "$status" -eq 1
check "consume with a missing profile names the path" grep -q "$work/missing/profile.json" "$work/missing-profile.err"
check_log missing-profile "$work/missing-profile.memcheck.log"

# MARK: - 3. The decoding API

memcheck "$work/test_decode.memcheck.log" "$work/test_decode" >"$work/test_decode.out" 2>&1
status=$?
check "test_decode exits 0 (99: memcheck errors)" test "$status" -eq 0
check "test_decode reports no failed checks" grep -q " 0 failed" "$work/test_decode.out"
check_log test_decode "$work/test_decode.memcheck.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
