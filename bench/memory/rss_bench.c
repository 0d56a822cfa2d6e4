/*
 * rss_bench.c - consumes a topic through libmisterwebhooks and reports the
 * resident set size (RSS) as the events go by, to show that memory stays flat
 * however many events a consumer reads.
 *
 * usage: rss_bench TOPIC PROFILE EVENTS [KEY=VALUE]...
 *
 * Each KEY=VALUE sets a consumer option (mw_consumer_set_option).
 *
 * Prints "events=N rss_kib=R" after 20,000 events and every further 20,000,
 * then "peak_rss_kib=P" (ru_maxrss) and "seconds=S" (from the first event to
 * the last), and exits 1 unless exactly EVENTS events arrived, each with a
 * non-empty payload.
 */
#define _POSIX_C_SOURCE 200809L

#include <misterwebhooks.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static mw_consumer *consumer;
static long expected;
static long handled;
static long bad;
static struct timespec first_event;
static struct timespec last_event;

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

/* Writes the library's log to stderr, where the script waits for the
 * partition assignment before it starts publishing a live stream. */
static void log_line(mw_log_level level, const char *message, void *user_data) {
    (void)user_data;
    fprintf(stderr, "%s %s\n", level <= MW_LOG_WARNING ? "warning:" : "info:", message);
}

static int handle(const mw_event *event, void *user_data) {
    size_t len = 0;
    (void)user_data;
    clock_gettime(CLOCK_MONOTONIC, handled == 0 ? &first_event : &last_event);
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

    if (argc < 4) {
        fprintf(stderr, "usage: %s TOPIC PROFILE EVENTS [KEY=VALUE]...\n", argv[0]);
        return 64;
    }
    expected = atol(argv[3]);
    mw_set_log_handler(log_line, NULL, MW_LOG_INFO);
    if (mw_profile_load(argv[2], &profile, &error) != MW_OK ||
        mw_consumer_new(argv[1], profile, &consumer, &error) != MW_OK) {
        fprintf(stderr, "%s\n", mw_error_message(error));
        return 1;
    }
    for (int i = 4; i < argc; i++) {
        char *equals = strchr(argv[i], '=');
        if (equals == NULL) {
            fprintf(stderr, "invalid option %s: expected KEY=VALUE\n", argv[i]);
            return 64;
        }
        *equals = '\0';
        if (mw_consumer_set_option(consumer, argv[i], equals + 1, &error) != MW_OK) {
            fprintf(stderr, "%s\n", mw_error_message(error));
            return 1;
        }
    }
    if (mw_consumer_run(consumer, handle, NULL, &error) != MW_OK) {
        fprintf(stderr, "%s\n", mw_error_message(error));
        return 1;
    }
    mw_consumer_free(consumer);
    mw_profile_free(profile);

    getrusage(RUSAGE_SELF, &usage);
    printf("peak_rss_kib=%ld\n", usage.ru_maxrss);
    printf("seconds=%.3f\n", (double)(last_event.tv_sec - first_event.tv_sec) +
                                  (double)(last_event.tv_nsec - first_event.tv_nsec) / 1e9);
    if (handled != expected || bad != 0) {
        fprintf(stderr, "expected %ld events, handled %ld, %ld with an empty payload\n", expected, handled, bad);
        return 1;
    }
    return 0;
}
