# Shell functions for test scripts that end with "N passed, M failed".
# Source this file, then:
#
#   check DESCRIPTION COMMAND...
#       Runs COMMAND and prints "ok   DESCRIPTION" when it succeeds, or
#       "FAIL DESCRIPTION" when it fails, counting both.
#   check_summary
#       Prints "N passed, M failed" and returns 1 when any check failed.

passed=0
failed=0

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

check_summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
