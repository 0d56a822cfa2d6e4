/*
 * consume.c - the smallest C consumer of a Mister Webhooks topic.
 *
 *     consume TOPIC PROFILE [MAX_EVENTS]
 *
 * Prints one line per webhook event until Ctrl-C, or until MAX_EVENTS events
 * have been handled. Offsets are committed for every printed event.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <misterwebhooks.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mw_consumer *consumer;
static long max_events;
static long handled;

static void on_signal(int signal_number) {
    (void)signal_number;
    mw_consumer_stop(consumer); /* one atomic store: safe in a signal handler */
}

static int print_event(const mw_event *event, void *user_data) {
    size_t payload_len;
    const char *payload = mw_event_payload_json(event, &payload_len);
    int shown = (int)strcspn(payload, "\n"); /* the payload's first line, at most 60 bytes */
    (void)user_data;

    printf("%s partition %d offset %lld: %s %s, %zu headers, %zu bytes of JSON: %.*s\n",
           mw_event_topic(event), (int)mw_event_partition(event), (long long)mw_event_offset(event),
           mw_http_method_name(mw_event_method(event)), mw_payload_encoding_name(mw_event_encoding(event)),
           mw_event_header_count(event), payload_len, shown < 60 ? shown : 60, payload);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        return 1; /* not shown, so not accepted: the event is delivered again */
    }

    handled++;
    if (max_events > 0 && handled >= max_events) {
        mw_consumer_stop(consumer);
    }
    return 0; /* accept the event: its offset is committed */
}

int main(int argc, char **argv) {
    mw_profile *profile = NULL;
    mw_error *error = NULL;
    mw_status status;
    struct sigaction action;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s TOPIC PROFILE [MAX_EVENTS]\n", argv[0]);
        return 64;
    }
    max_events = argc == 4 ? atol(argv[3]) : 0;

    if (mw_profile_load(argv[2], &profile, &error) != MW_OK ||
        mw_consumer_new(argv[1], profile, &consumer, &error) != MW_OK) {
        fprintf(stderr, "%s\n", mw_error_message(error));
        mw_error_free(error);
        mw_profile_free(profile);
        return 1;
    }
    mw_profile_free(profile); /* the consumer keeps a copy */

    /* SA_RESTART keeps a signal from failing a write in progress. */
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    status = mw_consumer_run(consumer, print_event, NULL, &error);
    if (status != MW_OK) {
        fprintf(stderr, "%s: %s\n", mw_status_name(status), mw_error_message(error));
        mw_error_free(error);
    }
    fprintf(stderr, "handled %ld events\n", handled);
    mw_consumer_free(consumer);
    return status == MW_OK ? 0 : 1;
}
