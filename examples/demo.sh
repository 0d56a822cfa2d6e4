#!/usr/bin/env bash
# Runs the demo of `make demo` (which builds everything first): a local
# development broker seeded with the samples in examples/samples, consumed by
# the C example and by the published Python client's smallest program.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p build/examples
cc -std=c99 -Wall -Wextra -pedantic -Iinclude bindings/c/examples/consume.c \
    -Lbuild/lib -lmisterwebhooks -Wl,-rpath,"$root/build/lib" -o build/examples/consume
exec .venv/bin/python examples/demo.py
