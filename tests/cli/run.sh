#!/usr/bin/env bash
# Tests the mister-webhooks command-line tool as a user runs it: usage errors
# exit 64 and name the bad value, and `publish --count --rate` paces its
# events and spreads them over the partitions of a development broker.
# Ends with "N passed, M failed".
#
# usage: tests/cli/run.sh [MISTER_WEBHOOKS_BINARY]   (default build/bin/mister-webhooks)
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
tool=${1:-$root/build/bin/mister-webhooks}
sample=$root/examples/samples/3-slack-event-callback.json
work=$(mktemp -d)
# shellcheck source=../lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"
# shellcheck source=../lib/check.sh
source "$root/tests/lib/check.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

# Runs the tool and keeps its exit status and standard error.
run_tool() {
    "$tool" "$@" >"$work/out" 2>"$work/err"
    status=$?
}

# --- Usage errors ---------------------------------------------------------

echo '{"consumer_name": "cli", "kafka": {"bootstrap": "127.0.0.1:1", "security_protocol": "PLAINTEXT"}}' \
    >"$work/unused-profile.json"

run_tool
check "no command exits 64" test "$status" -eq 64
run_tool consume
check "consume without operands exits 64" test "$status" -eq 64
run_tool consume topic "$work/unused-profile.json" --no-such-option 1
check "unknown option exits 64" test "$status" -eq 64
check "unknown option is named" grep -q -- "--no-such-option" "$work/err"
run_tool publish --profile "$work/unused-profile.json" --topic t --count 0 "$sample"
check "publish --count 0 exits 64" test "$status" -eq 64
check "publish --count 0 names the value" grep -q -- "--count must be an integer from 1 .*got 0" "$work/err"
run_tool publish --profile "$work/unused-profile.json" --topic t --rate 1.5 "$sample"
check "publish --rate 1.5 exits 64" test "$status" -eq 64
check "publish --rate 1.5 names the value" grep -q -- "--rate must be an integer .*got 1.5" "$work/err"
run_tool publish --profile "$work/unused-profile.json" --topic t "$sample" --rate
check "publish --rate without a value exits 64" test "$status" -eq 64
check "publish --rate without a value is named" grep -q -- "option --rate needs a value" "$work/err"
check "usage error points to --help" grep -q -- "Run 'mister-webhooks --help'" "$work/err"
run_tool publish --profile "$work/unused-profile.json" --topic t "$work/missing.json"
check "publish of a missing FILE exits 1" test "$status" -eq 1
check "publish of a missing FILE names it" grep -q "cannot read $work/missing.json: No such file" "$work/err"
run_tool publish --profile "$work/unused-profile.json" --topic t "$work"
check "publish of a folder says so" grep -q "cannot read $work: Is a directory" "$work/err"
run_tool publish --profile "$work/missing-profile.json" --topic t "$sample"
check "publish with a missing profile names it" grep -q "cannot open connection profile $work/missing-profile.json" "$work/err"

# --- Paced publishing -----------------------------------------------------

if ! dev_broker_start "$tool" "$work" --topic cli --partitions 4; then
    echo "0 passed, 1 failed (the development broker did not start)"
    exit 1
fi

# 300 events at 1,000 per second: the last one is due 0.299 s after the first.
start=$(date +%s%N)
run_tool publish --profile "$work/profile.json" --topic cli --count 300 --rate 1000 "$sample"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "publish --count 300 --rate 1000 succeeds" test "$status" -eq 0
check "publish reports 300 events" grep -q "published 300 events to topic cli" "$work/err"
check "publish --rate 1000 takes at least 299 ms (took $elapsed_ms ms)" test "$elapsed_ms" -ge 299

timeout 120 "$tool" consume cli "$work/profile.json" --max-events 300 >"$work/events" 2>"$work/consume.err"
status=$?
check "consume --max-events 300 succeeds" test "$status" -eq 0
check "consume prints 300 events" test "$(wc -l <"$work/events")" -eq 300
partitions=$(grep -o '"partition":[0-9]*' "$work/events" | sort -u | wc -l)
check "events spread over the 4 partitions (got $partitions)" test "$partitions" -eq 4

check_summary
