#!/usr/bin/env bash
# Runs the decode benchmark: builds the C driver against the release library,
# sets up a Python virtual environment with fastavro and cbor2 under build/,
# and prints a markdown table.
#
# usage: bench/decode/run.sh [LIBRARY]
#
# LIBRARY defaults to build/lib/libmisterwebhooks.so (from 'make lib').
# The GitHub payloads are read from $MW_SHARED_DIR/corpus/github, by default
# from the shared folder beside the repository. BENCH_SECONDS sets the
# minimum time per measurement (default 2).
set -euo pipefail

repository_root=$(cd "$(dirname "$0")/../.." && pwd)
library=$(realpath "${1:-$repository_root/build/lib/libmisterwebhooks.so}")
shared=${MW_SHARED_DIR:-$repository_root/../shared}
corpus=$shared/corpus/github
work=$repository_root/build/bench-decode
venv=$repository_root/build/bench-venv

if [ ! -f "$library" ]; then
    echo "library not found: $library; build it with 'make lib'" >&2
    exit 2
fi
if [ ! -d "$corpus" ]; then
    echo "GitHub webhook corpus not found at $corpus; set MW_SHARED_DIR" >&2
    exit 2
fi

mkdir -p "$work/lib"
# The driver loads the library by its soname, libmisterwebhooks.so.0.
ln -sf "$library" "$work/lib/libmisterwebhooks.so.0"
cc -std=c99 -O2 -Wall -Wextra -pedantic -Werror -I"$repository_root/include" \
    "$repository_root/bench/decode/decode_bench.c" "$library" \
    -Wl,-rpath,"$work/lib" -o "$work/decode_bench"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check fastavro cbor2

"$venv/bin/python" "$repository_root/bench/decode/run.py" \
    --driver "$work/decode_bench" --corpus "$corpus" --work "$work" \
    --seconds "${BENCH_SECONDS:-2}"
