#!/usr/bin/env bash
# Checks the ABI of a release build of libmisterwebhooks.so:
#   (a) it needs no library of the Swift toolchain at run time,
#   (b) it exports only symbols that start with mw_,
#   (c) it exports every function declared in include/misterwebhooks.h.
#
# usage: tests/abi/check_abi.sh LIBRARY [HEADER]
#
# HEADER defaults to include/misterwebhooks.h of this repository. Prints one
# line per check and ends with "N passed, M failed"; exits 1 when a check
# failed.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 LIBRARY [HEADER]" >&2
    exit 2
fi

library=$1
repository_root=$(cd "$(dirname "$0")/../.." && pwd)
header=${2:-$repository_root/include/misterwebhooks.h}

if [ ! -f "$library" ]; then
    echo "library not found: $library; build it with 'make lib'" >&2
    exit 2
fi
if [ ! -f "$header" ]; then
    echo "header not found: $header" >&2
    exit 2
fi

passed=0
failed=0

pass() {
    passed=$((passed + 1))
    echo "ok   $1"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
}

# (a) No Swift toolchain library among the run-time dependencies: the Swift
# runtime must be linked in statically (-static-stdlib).
toolchain_libraries=$(ldd "$library" | grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime|/opt/swift/' || true)
if [ -z "$toolchain_libraries" ]; then
    pass "ldd lists no Swift toolchain library"
else
    fail "ldd lists Swift toolchain libraries:"
    printf '%s\n' "$toolchain_libraries" | sed 's/^[[:space:]]*/       /'
fi

# (b) Every exported symbol starts with mw_. The version node of the version
# script appears as an absolute symbol (type A) and is not a symbol of the API.
exported=$(nm -D --defined-only --extern-only "$library" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u)
foreign=$(printf '%s\n' "$exported" | grep -v '^mw_' | grep -v '^$' || true)
if [ -z "$foreign" ]; then
    pass "every exported symbol starts with mw_ ($(printf '%s\n' "$exported" | grep -c '^mw_') symbols)"
else
    fail "$(printf '%s\n' "$foreign" | wc -l) exported symbols do not start with mw_, for example:"
    printf '%s\n' "$foreign" | head -n 20 | sed 's/^/       /'
fi

# (c) Every function declared in the header is exported. The preprocessor
# removes comments, so only declarations remain; the names of function
# pointer typedefs such as (*mw_event_handler)(...) are removed first.
declared=$(cc -E -P -x c "$header" | sed -E 's/\(\*mw_[a-z0-9_]+\)//g' | grep -oE '\bmw_[a-z0-9_]+\(' | tr -d '(' | sort -u)
if [ -z "$declared" ]; then
    fail "no function declarations found in $header"
fi
for function in $declared; do
    if printf '%s\n' "$exported" | grep -qx "$function"; then
        pass "$function is exported"
    else
        fail "$function is declared in $(basename "$header") but not exported"
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
