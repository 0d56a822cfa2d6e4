#!/usr/bin/env bash
# Runs the Rust binding's tests with `cargo test --offline` (the consumer
# tests start their own dev-brokers), then runs the example against a
# dev-broker seeded with examples/samples. Build output goes to
# build/rust-target. Ends with "N passed, M failed".
#
# usage: bindings/rust/test.sh   (after `make lib tool` in the repository root)
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export MW_SHARED_DIR=${MW_SHARED_DIR:-$root/../shared}
export MISTER_WEBHOOKS_TOOL=${MISTER_WEBHOOKS_TOOL:-$root/build/bin/mister-webhooks}
export MISTER_WEBHOOKS_LIB_DIR=${MISTER_WEBHOOKS_LIB_DIR:-$root/build/lib}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/build/rust-target}
cargo=${CARGO:-$HOME/.cargo/bin/cargo}
[ -x "$cargo" ] || cargo=cargo
manifest=bindings/rust/Cargo.toml
samples=$root/examples/samples
work=$(mktemp -d)
# shellcheck source=../../tests/lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

"$cargo" test --offline --manifest-path "$manifest" 2>&1 | tee "$work/cargo.out"
cargo_status=${PIPESTATUS[0]}
passed=$(grep -oE '^test result: .* ([0-9]+) passed' "$work/cargo.out" | grep -oE '[0-9]+ passed' | awk '{sum += $1} END {print sum + 0}')
failed=$(grep -oE '^test result: .*; ([0-9]+) failed' "$work/cargo.out" | grep -oE '[0-9]+ failed' | awk '{sum += $1} END {print sum + 0}')
if [ "$cargo_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "FAIL cargo test exited with status $cargo_status"
    failed=1
fi

# The example prints one line per event and exits 0 after MAX_EVENTS events.
dev_broker_start "$MISTER_WEBHOOKS_TOOL" "$work" --topic rust-example --seed "$samples"
expected=$(find "$samples" -name '*.json' | wc -l)
"$cargo" build --offline --quiet --manifest-path "$manifest" --example consume &&
    timeout 120 "$CARGO_TARGET_DIR/debug/examples/consume" rust-example "$work/profile.json" "$expected" \
        >"$work/example.out" 2>"$work/example.err"
example_status=$?
if [ "$example_status" -eq 0 ] && [ "$(wc -l <"$work/example.out")" -eq "$expected" ]; then
    echo "ok   example consume prints $expected events"
    passed=$((passed + 1))
else
    echo "FAIL example consume (exit $example_status, $(wc -l <"$work/example.out" 2>/dev/null) lines):"
    cat "$work/example.err" "$work/broker.err"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
