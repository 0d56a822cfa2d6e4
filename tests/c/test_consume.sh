#!/usr/bin/env bash
# Runs the C example, bindings/c/examples/consume.c, linked to the built
# library, against the development broker: every published event must be
# printed exactly once, and a consumer of an unknown broker must fail with
# MW_ERR_KAFKA. Ends with "N passed, M failed".
#
# usage: tests/c/test_consume.sh CONSUME_BINARY MISTER_WEBHOOKS_BINARY SEED_DIR
set -u

consume=$1
tool=$2
seed=$3
work=$(mktemp -d)
# shellcheck source=../lib/dev_broker.sh
source "$(dirname "$0")/../lib/dev_broker.sh"
# shellcheck source=../lib/check.sh
source "$(dirname "$0")/../lib/check.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

if ! dev_broker_start "$tool" "$work" --topic webhooks --partitions 4 --seed "$seed"; then
    echo "0 passed, 1 failed (the development broker did not start)"
    exit 1
fi
expected=$(find "$seed" -name '*.json' | wc -l)

timeout 120 "$consume" webhooks "$work/profile.json" "$expected" >"$work/events.txt" 2>"$work/consume.err"
status=$?
check "consume example exits 0 after $expected events" test "$status" -eq 0
check "consume example prints $expected events" test "$(wc -l <"$work/events.txt")" -eq "$expected"
distinct=$(awk '{print $3, $5}' "$work/events.txt" | sort -u | wc -l)
check "each record is printed once" test "$distinct" -eq "$expected"
check "events carry method and encoding" grep -q "POST CBOR" "$work/events.txt"

echo '{"consumer_name": "c-test", "kafka": {"bootstrap": "127.0.0.1:1", "security_protocol": "PLAINTEXT"}}' >"$work/down.json"
timeout 60 "$consume" webhooks "$work/down.json" 1 >/dev/null 2>"$work/down.err"
status=$?
check "unreachable broker ends the run with status 1" test "$status" -eq 1
check "unreachable broker error names MW_ERR_KAFKA" grep -q "MW_ERR_KAFKA: no Kafka broker of 127.0.0.1:1 reachable" "$work/down.err"

"$consume" webhooks /nonexistent/profile.json >/dev/null 2>"$work/missing.err"
check "missing profile is reported with its path" grep -q "/nonexistent/profile.json" "$work/missing.err"

check_summary
