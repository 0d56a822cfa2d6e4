#!/bin/sh
# Runs the Go binding's tests against build/lib/libmisterwebhooks.so and
# build/bin/mister-webhooks (build both with `make lib tool` first).
# Go's build cache and module folder go under the repository's build folder,
# and no module is downloaded.
set -eu
binding=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$binding/../.." && pwd)

export GOCACHE="$root/build/go/cache"
export GOPATH="$root/build/go/path"
export GOPROXY=off GOFLAGS= GO111MODULE=on CGO_ENABLED=1
export MISTER_WEBHOOKS_TOOL="${MISTER_WEBHOOKS_TOOL:-$root/build/bin/mister-webhooks}"
export MW_SHARED_DIR="${MW_SHARED_DIR:-$root/../shared}"

cd "$binding"
go vet ./...
go test -count=1 -v -timeout 5m ./... >"$root/build/go/test.log" 2>&1 && status=0 || status=$?
grep -E '^(=== RUN|--- |\s+\S+_test\.go:|PASS|FAIL|ok|panic)' "$root/build/go/test.log" | grep -v '^=== RUN' || true
passed=$(grep -c '^--- PASS' "$root/build/go/test.log" || true)
failed=$(grep -c '^--- FAIL' "$root/build/go/test.log" || true)
skipped=$(grep -c '^--- SKIP' "$root/build/go/test.log" || true)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the test binary failed to build or crashed
    tail -30 "$root/build/go/test.log"
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
