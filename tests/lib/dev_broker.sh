# Shell functions for scripts that run `mister-webhooks dev-broker`,
# librdkafka's mock Kafka cluster on 127.0.0.1. Source this file, then:
#
#   dev_broker_start TOOL DIR ARGUMENT...
#       Runs `TOOL dev-broker ARGUMENT... --profile-out DIR/profile.json`
#       in the background, its address going to DIR/bootstrap and its log
#       to DIR/broker.err, and waits until it prints the address, which it
#       does once its topic is seeded. Sets dev_broker_pid and
#       dev_broker_bootstrap. When the broker exits or has not started
#       within DEV_BROKER_START_SECONDS (default 120), prints its log to
#       stderr and returns 1.
#   dev_broker_stop
#       Stops the broker started last, if it runs, and waits for it.

dev_broker_pid=""
dev_broker_bootstrap=""

dev_broker_start() {
    local tool=$1 directory=$2
    shift 2
    rm -f "$directory/bootstrap"
    "$tool" dev-broker "$@" --profile-out "$directory/profile.json" \
        >"$directory/bootstrap" 2>"$directory/broker.err" &
    dev_broker_pid=$!

    local deadline=$((SECONDS + ${DEV_BROKER_START_SECONDS:-120}))
    while [ ! -s "$directory/bootstrap" ]; do
        if ! kill -0 "$dev_broker_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            echo "mister-webhooks dev-broker did not start; its log, $directory/broker.err:" >&2
            cat "$directory/broker.err" >&2
            dev_broker_stop
            return 1
        fi
        sleep 0.1
    done
    dev_broker_bootstrap=$(head -1 "$directory/bootstrap")
}

dev_broker_stop() {
    if [ -n "$dev_broker_pid" ]; then
        kill "$dev_broker_pid" 2>/dev/null || true
        wait "$dev_broker_pid" 2>/dev/null || true
        dev_broker_pid=""
    fi
}
