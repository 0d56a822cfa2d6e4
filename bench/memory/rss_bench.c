/*
 * rss_bench.c - consumes a topic through libmisterwebhooks and reports the
 * resident set size (RSS) as the events go by, to show that memory stays flat
 * however many events a consumer reads.
 *
 * usage: rss_bench TOPIC PROFILE EVENTS
 *
 * Prints "events=N rss_kib=R" after 20,000 events and every further 20,000,
 * then "peak_rss_kib=P" (ru_maxrss), and exits 1 unless exactly EVENTS
 * events arrived, each with a non-empty payload.
 */
#define _POSIX_C_SOURCE 200809L

#include <misterwebhooks.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static mw_consumer *consumer;
static long expected;
static long handled;
static long bad;

/* Returns the current RSS in KiB, from /proc/self/statm. */
static long current_rss_kib(void) {
    long pages_total = 0;
    long pages_resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm == NULL) {
        return -1;
    }
    if (fscanf(statm, "%ld %ld", &pages_total, &pages_resident) != 2) {
        pages_resident = -1;
    }
    fclose(statm);
    return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int handle(const mw_event *event, void *user_data) {
    size_t len = 0;
    (void)user_data;
    mw_event_payload_json(event, &len);
    if (len == 0) {
        bad++;
    }
    handled++;
    if (handled % 20000 == 0) {
        printf("events=%ld rss_kib=%ld\n", handled, current_rss_kib());
        fflush(stdout);
    }
    if (handled == expected) {
        mw_consumer_stop(consumer);
    }
    return 0;
}

int main(int argc, char **argv) {
    mw_profile *profile = NULL;
    mw_error *error = NULL;
    struct rusage usage;

    if (argc != 4) {
        fprintf(stderr, "usage: %s TOPIC PROFILE EVENTS\n", argv[0]);
        return 64;
    }
    expected = atol(argv[3]);
    if (mw_profile_load(argv[2], &profile, &error) != MW_OK ||
        mw_consumer_new(argv[1], profile, &consumer, &error) != MW_OK ||
        mw_consumer_run(consumer, handle, NULL, &error) != MW_OK) {
        fprintf(stderr, "%s\n", mw_error_message(error));
        return 1;
    }
    mw_consumer_free(consumer);
    mw_profile_free(profile);

    getrusage(RUSAGE_SELF, &usage);
    printf("peak_rss_kib=%ld\n", usage.ru_maxrss);
    if (handled != expected || bad != 0) {
        fprintf(stderr, "expected %ld events, handled %ld, %ld with an empty payload\n", expected, handled, bad);
        return 1;
    }
    return 0;
}
