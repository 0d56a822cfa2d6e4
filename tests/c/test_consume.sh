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
broker_pid=""
passed=0
failed=0

cleanup() {
    if [ -n "$broker_pid" ]; then
        kill "$broker_pid" 2>/dev/null
        wait "$broker_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

check() {
    local description=$1
    shift
    if "$@"; then
        echo "ok   $description"
        passed=$((passed + 1))
    else
        echo "FAIL $description"
        failed=$((failed + 1))
    fi
}

"$tool" dev-broker --topic webhooks --partitions 4 --seed "$seed" --profile-out "$work/profile.json" \
    >"$work/broker.out" 2>"$work/broker.err" &
broker_pid=$!
for _ in $(seq 1 300); do
    [ -s "$work/broker.out" ] && break
    sleep 0.1
done
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
