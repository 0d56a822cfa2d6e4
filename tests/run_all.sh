#!/usr/bin/env bash
# Runs every test suite of the project and prints one summary line per suite.
# Called by `make test` after the library, the tool and the Python virtual
# environment are built. Exits 1 when any suite failed.
#
# MW_FUZZ_SECONDS sets how long each fuzz target runs (default 30).
#
# The decoding test vectors and the GitHub webhook corpus are read from
# $MW_SHARED_DIR (default: the folder "shared" beside the repository); the
# suites that need them are skipped when it is missing.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
shared=${MW_SHARED_DIR:-$root/../shared}
export MW_SHARED_DIR=$shared
library=$root/build/lib/libmisterwebhooks.so
tool=$root/build/bin/mister-webhooks
python=$root/.venv/bin/python
logs=$root/build/test-logs
mkdir -p "$logs" build/tests
summary=()
failures=0

# Runs one suite, shows its output, and keeps its last line for the summary.
run_suite() {
    local name=$1
    shift
    echo
    echo "=== $name: $*"
    "$@" 2>&1 | tee "$logs/$name.log"
    local status=${PIPESTATUS[0]}
    local last
    last=$(grep -E "[0-9]+ (passed|tests? passed)|Executed [0-9]+ tests" "$logs/$name.log" | tail -1)
    if [ "$status" -eq 0 ]; then
        summary+=("PASS  $name: ${last:-ok}")
    else
        summary+=("FAIL  $name (exit $status): ${last:-see $logs/$name.log}")
        failures=$((failures + 1))
    fi
}

skipped=0
skip_suite() {
    summary+=("SKIP  $1: $2")
    skipped=$((skipped + 1))
}

# C: the header in C99 and C++, the decoding API, the exported symbols.
compile_c_tests() {
    cc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude tests/c/test_decode.c \
        -Lbuild/lib -lmisterwebhooks -Wl,-rpath,"$root/build/lib" -o build/tests/test_decode &&
    c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Iinclude -fsyntax-only tests/c/header_cxx.cpp &&
    cc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude bindings/c/examples/consume.c \
        -Lbuild/lib -lmisterwebhooks -Wl,-rpath,"$root/build/lib" -o build/tests/consume &&
    cc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude tests/c/test_misuse.c \
        -Lbuild/lib -lmisterwebhooks -lpthread -Wl,-rpath,"$root/build/lib" -o build/tests/test_misuse &&
    python3 -c 'import re, sys; print(re.search(r"```c\n(.*?)```", open("README.md").read(), re.S).group(1))' \
        >build/tests/readme_example.c &&
    cc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude build/tests/readme_example.c \
        -Lbuild/lib -lmisterwebhooks -o build/tests/readme_example
}

run_suite swift-test swift test
run_suite c-build compile_c_tests
run_suite c-decode build/tests/test_decode
run_suite abi tests/abi/check_abi.sh "$library"
run_suite c-misuse tests/c/test_misuse.sh build/tests/test_misuse "$tool"
run_suite faults tests/faults/run.sh
run_suite cli tests/cli/run.sh "$tool"
run_suite memory bench/memory/run.sh
if [ -d "$shared/corpus/github" ]; then
    run_suite c-example tests/c/test_consume.sh build/tests/consume "$tool" "$shared/corpus/github"
else
    run_suite c-example tests/c/test_consume.sh build/tests/consume "$tool" "$root/examples/samples"
fi
MISTER_WEBHOOKS_LIBRARY=$library MISTER_WEBHOOKS_TOOL=$tool \
    run_suite python "$python" -m pytest -q bindings/python/tests
run_suite cpp bindings/cpp/test.sh
run_suite rust bindings/rust/test.sh
run_suite java bindings/java/test.sh
run_suite go bindings/go/test.sh
run_suite ruby bindings/ruby/test.sh
run_suite valgrind tests/valgrind.sh
run_suite fuzz fuzz/run.sh "${MW_FUZZ_SECONDS:-30}"
run_suite sanitizers tests/sanitizers.sh
run_suite readme python3 tests/readme_table.py --check
if [ -f "$shared/vectors/check.py" ]; then
    run_suite vectors python3 "$shared/vectors/check.py" "$library"
else
    skip_suite vectors "no decoding vectors at $shared/vectors"
fi

echo
echo "=== summary"
for line in "${summary[@]}"; do
    echo "$line"
done
suites=${#summary[@]}
echo "suites: $((suites - failures - skipped)) passed, $failures failed, $skipped skipped"
[ "$failures" -eq 0 ]
