#!/bin/sh
# Runs the Ruby binding's tests against build/lib/libmisterwebhooks.so and
# build/bin/mister-webhooks (build both with `make lib tool` first). Ends
# with "N passed, M failed" and exits non-zero when a test failed.
set -u
binding=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$binding/../.." && pwd)

export MISTER_WEBHOOKS_LIBRARY="${MISTER_WEBHOOKS_LIBRARY:-$root/build/lib/libmisterwebhooks.so}"
export MISTER_WEBHOOKS_TOOL="${MISTER_WEBHOOKS_TOOL:-$root/build/bin/mister-webhooks}"
export MW_SHARED_DIR="${MW_SHARED_DIR:-$root/../shared}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

cd "$binding"
ruby -w -Ilib -Itest -e 'Dir["test/test_*.rb"].sort.each { |file| require_relative file }' -- --verbose 2>&1 | tee "$log"
summary=$(grep -E '^[0-9]+ runs, ' "$log" | tail -1)
if [ -z "$summary" ]; then
    echo "0 passed, 1 failed (the test run did not finish)"
    exit 1
fi
runs=$(echo "$summary" | sed -E 's/^([0-9]+) runs.*/\1/')
failures=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures.*/\1/')
errors=$(echo "$summary" | sed -E 's/.* ([0-9]+) errors.*/\1/')
skips=$(echo "$summary" | sed -E 's/.* ([0-9]+) skips.*/\1/')
failed=$((failures + errors))
echo "$((runs - failed - skips)) passed, $failed failed, $skips skipped"
[ "$failed" -eq 0 ]
