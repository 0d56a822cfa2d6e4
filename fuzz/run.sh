#!/usr/bin/env bash
# Builds the libFuzzer targets of the decoders and runs each for SECONDS
# (default 30):
#
#     fuzz/run.sh [SECONDS]
#
#   avro_envelope    AvroReader, through EnvelopeDecoder with envelope 0x80
#   json_validator   JSONValidator
#   cbor_transcoder  CBORTranscoder
#   record_decode    EnvelopeDecoder.decode, as mw_event_decode calls it
#
# Each target is one swiftc invocation over the sources of
# MisterWebhooksDecoding, fuzz/FuzzSupport.swift and fuzz/<target>.swift,
# with AddressSanitizer, apart from the SwiftPM build because libFuzzer's
# main() clashes with the test runner's. Binaries, working corpora and logs
# go to build/fuzz.
#
# Seeds are written at run time from the decoding test vectors in
# $MW_SHARED_DIR/vectors (default: the folder "shared" beside the
# repository), and from the JSON files in $MW_SHARED_DIR/corpus/github.
# Without them the targets start from an empty corpus.
#
# Every file in fuzz/regressions/<target>/ is replayed through its target
# first. A new crash, timeout or out-of-memory input is copied there, to be
# committed as a regression input. Exits 1 when any target failed.
set -u

seconds=${1:-30}
case $seconds in
    '' | *[!0-9]*)
        echo "usage: $0 [SECONDS]  (SECONDS: a whole number, default 30)" >&2
        exit 64
        ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shared=${MW_SHARED_DIR:-$root/../shared}
work=$root/build/fuzz
regressions=$root/fuzz/regressions
targets=(avro_envelope json_validator cbor_transcoder record_decode)
mkdir -p "$work/bin" "$work/logs"

# Swift's own crash backtracer would take over libFuzzer's crash report and
# spend minutes symbolizing.
export SWIFT_BACKTRACE=enable=no

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT

# MARK: - Build

# Package.swift builds MisterWebhooksDecoding with unchecked exclusivity, and
# the fuzz targets use the same flag, so they test the code that ships.
build_target() {
    local target=$1
    echo "building $target"
    swiftc -O -wmo -g -sanitize=fuzzer,address -parse-as-library -use-ld=lld \
        -enforce-exclusivity=unchecked -module-name MisterWebhooksDecoding \
        Sources/MisterWebhooksDecoding/*.swift fuzz/FuzzSupport.swift "fuzz/$target.swift" \
        -o "$work/bin/$target"
}

for target in "${targets[@]}"; do
    if ! build_target "$target"; then
        echo "build of fuzz target $target failed" >&2
        exit 1
    fi
done

# MARK: - Seeds

if [ -f "$shared/vectors/envelopes.jsonl" ]; then
    corpus_args=()
    [ -d "$shared/corpus/github" ] && corpus_args=("$shared/corpus/github")
    python3 fuzz/make_seeds.py "$shared/vectors" "$seeds" "${corpus_args[@]}" || exit 1
else
    echo "no decoding test vectors at $shared/vectors: fuzzing from empty corpora"
    for target in "${targets[@]}"; do
        mkdir -p "$seeds/$target"
    done
fi

# MARK: - Runs

passed=0
failed=0
summary=()

# Replays fuzz/regressions/<target>/* through the target. Returns 1 when any
# input still fails.
replay_regressions() {
    local target=$1
    local folder=$regressions/$target
    [ -d "$folder" ] || return 0
    local inputs=("$folder"/*)
    [ -e "${inputs[0]}" ] || return 0

    echo "replaying ${#inputs[@]} regression inputs of $target"
    "$work/bin/$target" -rss_limit_mb=2048 -timeout=10 "${inputs[@]}" >"$work/logs/$target.replay.log" 2>&1 && return 0
    echo "a regression input of $target still fails. The last lines of $work/logs/$target.replay.log:"
    tail -40 "$work/logs/$target.replay.log"
    return 1
}

# Fuzzes one target for $seconds, then copies what it found into
# fuzz/regressions/<target>/ and prints the stack of the first finding.
fuzz_target() {
    local target=$1
    local corpus=$work/corpus/$target
    local artifacts=$work/artifacts/$target
    local log=$work/logs/$target.log
    rm -rf "$artifacts"
    mkdir -p "$corpus" "$artifacts"

    echo
    echo "=== $target: fuzzing for $seconds s (log: $log)"
    "$work/bin/$target" "$corpus" "$seeds/$target" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
    local status=$?

    local executions
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    local findings=("$artifacts"/*)
    if [ ! -e "${findings[0]}" ]; then
        findings=()
    fi

    local problems=()
    if [ ${#findings[@]} -gt 0 ]; then
        mkdir -p "$regressions/$target"
        cp "${findings[@]}" "$regressions/$target/"
        local finding
        for finding in "${findings[@]}"; do
            problems+=("$(basename "$finding") saved to fuzz/regressions/$target/ (hex: $(head -c 64 "$finding" | od -An -tx1 | tr -d ' \n'))")
        done
        echo "--- $target found ${#findings[@]} inputs; report and stack:"
        sed -n '/^==[0-9]*==\|Fatal error\|invariant failed\|ERROR: libFuzzer/,/^SUMMARY\|^MS: /p' "$log" | head -80
    elif [ "$status" -ne 0 ]; then
        problems+=("libFuzzer exited with status $status without a crash input")
        tail -40 "$log"
    fi

    if [ ${#problems[@]} -eq 0 ]; then
        echo "$target: ${executions:-?} executions, no findings"
        return 0
    fi
    echo "$target: ${executions:-?} executions, ${#problems[@]} findings"
    for problem in "${problems[@]}"; do
        echo "  $problem"
    done
    return 1
}

for target in "${targets[@]}"; do
    replayed=ok
    replay_regressions "$target" || replayed=failed
    fuzz_target "$target"
    fuzzed=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/logs/$target.log" | tail -1)
    if [ "$replayed" = ok ] && [ "$fuzzed" -eq 0 ]; then
        summary+=("PASS  $target: ${executions:-?} executions in $seconds s")
        passed=$((passed + 1))
    else
        summary+=("FAIL  $target: ${executions:-?} executions in $seconds s, regression replay $replayed, see $work/logs/$target.log")
        failed=$((failed + 1))
    fi
done

echo
echo "=== summary"
for line in "${summary[@]}"; do
    echo "$line"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
