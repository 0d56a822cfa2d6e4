/*
 * mw_consume_bench.c - measures how fast libmisterwebhooks consumes a topic
 * that the development broker seeded.
 *
 * usage: mw_consume_bench PROFILE TOPIC EVENTS [TIMEOUT_SECONDS [KEY=VALUE...]]
 *
 * Runs one consumer in the profile's consumer group until it has handled
 * EVENTS events, then stops it. The handler checks every event: the method is
 * POST (the development broker publishes every sample as POST), every header
 * entry has a name and its values, the payload JSON is non-empty and starts
 * with '{' or '[', and each partition's offsets arrive as 0, 1, 2, ... with
 * no gap and no duplicate. The program exits 1 when an event fails a check,
 * the run fails, or fewer than EVENTS events arrive within TIMEOUT_SECONDS
 * (default 120). Each KEY=VALUE is passed to mw_consumer_set_option(), to
 * measure the effect of a librdkafka property.
 *
 * On success it prints one line of key=value pairs:
 *   events                       events handled
 *   seconds, events_per_second   from the first event to the end of the last
 *                                handler call
 *   seconds_with_join,
 *   events_per_second_with_join  from the start of mw_consumer_run(), so
 *                                including the consumer group join
 *   json_events, cbor_events     events by payload encoding as received
 *   payload_json_bytes           summed length of the payload JSON texts
 *   max_rss_kib                  peak resident set size (getrusage ru_maxrss)
 */
#define _POSIX_C_SOURCE 200112L

#include "misterwebhooks.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Counts and offsets that the handler has collected so far. */
typedef struct {
    mw_consumer *consumer;
    long expected;
    long handled;
    long json_events;
    long cbor_events;
    unsigned long long payload_json_bytes;
    double first_event_seconds;
    double last_event_seconds;
    /* next_offsets[p] is the offset expected next from partition p. */
    int64_t *next_offsets;
    int32_t partition_capacity;
} bench_state;

static mw_consumer *running_consumer;
static volatile sig_atomic_t timed_out;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_alarm(int signal_number) {
    (void)signal_number;
    timed_out = 1;
    mw_consumer_stop(running_consumer); /* one atomic store, so safe in a signal handler */
}

/* Prints why an event failed its check. Returns 1, for the handler to return. */
static int reject(const mw_event *event, const char *reason) {
    fprintf(stderr, "mw_consume_bench: event at partition %d offset %lld failed the check: %s\n",
            (int)mw_event_partition(event), (long long)mw_event_offset(event), reason);
    return 1;
}

/* Returns 0 when the event is the next offset of its partition, growing the
 * offset table as new partitions appear. */
static int check_offset(bench_state *state, const mw_event *event) {
    int32_t partition = mw_event_partition(event);

    if (partition < 0) {
        return reject(event, "negative partition");
    }
    if (partition >= state->partition_capacity) {
        int32_t capacity = partition + 64;
        int64_t *grown = realloc(state->next_offsets, (size_t)capacity * sizeof *grown);
        int32_t p;

        if (grown == NULL) {
            return reject(event, "out of memory for the offset table");
        }
        for (p = state->partition_capacity; p < capacity; p++) {
            grown[p] = 0;
        }
        state->next_offsets = grown;
        state->partition_capacity = capacity;
    }

    if (mw_event_offset(event) != state->next_offsets[partition]) {
        fprintf(stderr, "mw_consume_bench: partition %d returned offset %lld, expected %lld "
                "(offset gap or duplicate)\n",
                (int)partition, (long long)mw_event_offset(event), (long long)state->next_offsets[partition]);
        return 1;
    }
    state->next_offsets[partition]++;
    return 0;
}

/* Returns 0 when every header entry has a non-empty name and every value
 * it counts. */
static int check_headers(const mw_event *event) {
    size_t count = mw_event_header_count(event);
    size_t entry, value;

    if (count == 0) {
        return reject(event, "no header entries, but the development broker adds X-Sample-File to each");
    }
    for (entry = 0; entry < count; entry++) {
        size_t name_len = 0;
        size_t value_count = mw_event_header_value_count(event, entry);

        if (mw_event_header_name(event, entry, &name_len) == NULL || name_len == 0) {
            return reject(event, "header entry without a name");
        }
        for (value = 0; value < value_count; value++) {
            if (mw_event_header_value(event, entry, value, NULL) == NULL) {
                return reject(event, "header value missing");
            }
        }
    }
    return 0;
}

static int handle_event(const mw_event *event, void *user_data) {
    bench_state *state = user_data;
    size_t payload_len = 0;
    const char *payload;

    if (state->handled == 0) {
        state->first_event_seconds = now_seconds();
    }

    if (mw_event_method(event) != MW_METHOD_POST) {
        return reject(event, "method is not POST");
    }
    if (check_headers(event) != 0 || check_offset(state, event) != 0) {
        return 1;
    }

    payload = mw_event_payload_json(event, &payload_len);
    if (payload_len == 0 || (payload[0] != '{' && payload[0] != '[')) {
        return reject(event, "payload JSON is empty or does not start with '{' or '['");
    }
    state->payload_json_bytes += payload_len;

    switch (mw_event_encoding(event)) {
    case MW_ENCODING_JSON:
        state->json_events++;
        break;
    case MW_ENCODING_CBOR:
        state->cbor_events++;
        break;
    default:
        return reject(event, "unknown payload encoding");
    }

    state->handled++;
    if (state->handled == state->expected) {
        state->last_event_seconds = now_seconds();
        mw_consumer_stop(state->consumer);
    }
    return 0;
}

static void exit_with_error(mw_error *error) {
    fprintf(stderr, "mw_consume_bench: %s: %s\n", mw_status_name(mw_error_code(error)), mw_error_message(error));
    exit(1);
}

/* Creates the consumer from the profile file and sets each KEY=VALUE option,
 * or exits on failure. */
static mw_consumer *create_consumer(const char *profile_path, const char *topic, char **options,
                                    int option_count) {
    mw_profile *profile = NULL;
    mw_consumer *consumer = NULL;
    mw_error *error = NULL;
    int i;

    if (mw_profile_load(profile_path, &profile, &error) != MW_OK ||
        mw_consumer_new(topic, profile, &consumer, &error) != MW_OK) {
        exit_with_error(error);
    }
    mw_profile_free(profile);

    for (i = 0; i < option_count; i++) {
        char *separator = strchr(options[i], '=');

        if (separator == NULL) {
            fprintf(stderr, "mw_consume_bench: option \"%s\" is not KEY=VALUE\n", options[i]);
            exit(64);
        }
        *separator = '\0';
        if (mw_consumer_set_option(consumer, options[i], separator + 1, &error) != MW_OK) {
            exit_with_error(error);
        }
    }
    return consumer;
}

static long max_rss_kib(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; /* kibibytes on Linux */
}

int main(int argc, char **argv) {
    bench_state state = {0};
    mw_error *error = NULL;
    mw_status status;
    double run_start_seconds, seconds, seconds_with_join;
    unsigned timeout_seconds;

    if (argc < 4) {
        fprintf(stderr, "usage: %s PROFILE TOPIC EVENTS [TIMEOUT_SECONDS [KEY=VALUE...]]\n", argv[0]);
        return 64;
    }
    state.expected = atol(argv[3]);
    timeout_seconds = argc >= 5 ? (unsigned)atoi(argv[4]) : 120;
    if (state.expected <= 0 || timeout_seconds == 0) {
        fprintf(stderr, "mw_consume_bench: EVENTS and TIMEOUT_SECONDS must be positive integers\n");
        return 64;
    }

    state.consumer = create_consumer(argv[1], argv[2], argv + 5, argc > 5 ? argc - 5 : 0);
    running_consumer = state.consumer;
    signal(SIGALRM, on_alarm);
    alarm(timeout_seconds);

    run_start_seconds = now_seconds();
    status = mw_consumer_run(state.consumer, handle_event, &state, &error);
    alarm(0);
    mw_consumer_free(state.consumer);
    free(state.next_offsets);

    if (status != MW_OK) {
        fprintf(stderr, "mw_consume_bench: %s: %s\n", mw_status_name(status), mw_error_message(error));
        mw_error_free(error);
        return 1;
    }
    if (timed_out || state.handled != state.expected) {
        fprintf(stderr, "mw_consume_bench: handled %ld events in %u s, expected %ld\n", state.handled,
                timeout_seconds, state.expected);
        return 1;
    }

    seconds = state.last_event_seconds - state.first_event_seconds;
    seconds_with_join = state.last_event_seconds - run_start_seconds;
    printf("events=%ld seconds=%.3f events_per_second=%.0f seconds_with_join=%.3f "
           "events_per_second_with_join=%.0f json_events=%ld cbor_events=%ld payload_json_bytes=%llu "
           "max_rss_kib=%ld\n",
           state.handled, seconds, (double)state.handled / seconds, seconds_with_join,
           (double)state.handled / seconds_with_join, state.json_events, state.cbor_events,
           state.payload_json_bytes, max_rss_kib());
    return 0;
}
