#!/usr/bin/env bash
# Runs the process-level fault tests (process_faults.py): SIGKILL of one
# member of a consumer group, and SIGTERM or SIGINT during a busy run of the
# C example, the command-line tool and the Python binding, each against a
# dev-broker of its own. Needs `make lib tool`, the Python virtual environment
# in .venv, a C compiler and librdkafka-dev. Ends with "N passed, M failed"
# and exits 1 when a check failed.
#
# usage: tests/faults/run.sh
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc -std=c99 -Wall -Wextra -pedantic -Werror "$root/tests/faults/kafka_offsets.c" -lrdkafka \
    -o "$work/kafka_offsets" || { echo "0 passed, 1 failed"; exit 1; }
cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$root/include" "$root/bindings/c/examples/consume.c" \
    -L"$root/build/lib" -lmisterwebhooks -Wl,-rpath,"$root/build/lib" \
    -o "$work/consume" || { echo "0 passed, 1 failed"; exit 1; }

python3 "$root/tests/faults/process_faults.py" "$root" "$work" "$work/kafka_offsets" "$work/consume"
