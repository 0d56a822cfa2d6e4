/*
 * test_misuse.c - checks that misuse of the C interface has the documented
 * result instead of a crash. The cases: NULL for every pointer parameter,
 * stop before run, a handler that stops or frees its consumer, two runs of
 * one consumer at once, options set while running, and free while running.
 *
 * usage: test_misuse BOOTSTRAP TOPIC
 *
 * TOPIC on the PLAINTEXT broker at BOOTSTRAP must hold at least 3 webhook
 * events. Each check uses a new consumer group. Ends with "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L

#include "misterwebhooks.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h> /* getpid */

static int passed;
static int failed;
static const char *bootstrap;
static const char *topic;
static int group_number;
static int failed_before_group;

#define CHECK(condition)                                                         \
    do {                                                                         \
        if (condition) {                                                         \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            printf("  FAIL %s:%d: %s\n", __FILE__, __LINE__, #condition);        \
        }                                                                        \
    } while (0)

/* Prints one line for the checks since the previous report. */
static void report(const char *name) {
    printf("%s %s\n", failed > failed_before_group ? "FAIL" : "ok  ", name);
    failed_before_group = failed;
}

static void sleep_milliseconds(long milliseconds) {
    struct timespec delay;
    delay.tv_sec = milliseconds / 1000;
    delay.tv_nsec = (milliseconds % 1000) * 1000000L;
    nanosleep(&delay, NULL);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void quiet_log(mw_log_level level, const char *message, void *user_data) {
    (void)level;
    (void)message;
    (void)user_data;
}

/* Returns a consumer of TOPIC in a consumer group of its own. */
static mw_consumer *new_consumer(void) {
    char json[512];
    mw_profile *profile = NULL;
    mw_consumer *consumer = NULL;
    int length = snprintf(json, sizeof json,
                          "{\"consumer_name\": \"misuse-%d-%ld\", \"kafka\": {\"bootstrap\": \"%s\", "
                          "\"security_protocol\": \"PLAINTEXT\"}}",
                          ++group_number, (long)getpid(), bootstrap);
    if (mw_profile_parse(json, (size_t)length, &profile, NULL) != MW_OK ||
        mw_consumer_new(topic, profile, &consumer, NULL) != MW_OK) {
        fprintf(stderr, "cannot create a consumer for %s on %s\n", topic, bootstrap);
        exit(2);
    }
    mw_profile_free(profile);
    return consumer;
}

/* MARK: - NULL arguments */

static void test_null_arguments(void) {
    mw_error *error = NULL;
    mw_profile *profile = (mw_profile *)&error;
    mw_consumer *consumer = (mw_consumer *)&error;
    mw_event *event = (mw_event *)&error;
    size_t len = 7;
    char buffer[4] = "xyz";

    CHECK(mw_event_decode(NULL, 0, NULL, 0, 0, NULL, &error) == MW_ERR_INVALID_ARGUMENT);
    CHECK(error != NULL && mw_error_code(error) == MW_ERR_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(mw_error_message(error), "out_event") != NULL);
    mw_error_free(error);
    CHECK(mw_event_decode(NULL, 0, NULL, 0, 0, &event, NULL) == MW_ERR_MALFORMED_MESSAGE);
    CHECK(event == NULL);

    CHECK(mw_error_code(NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_error_message(NULL) == NULL);
    CHECK(mw_error_topic(NULL) == NULL);
    CHECK(mw_error_partition(NULL) == -1);
    CHECK(mw_error_offset(NULL) == -1);

    CHECK(mw_event_method(NULL) == MW_METHOD_GET);
    CHECK(mw_event_encoding(NULL) == MW_ENCODING_JSON);
    CHECK(mw_event_timestamp_ms(NULL) == 0);
    CHECK(mw_event_header_count(NULL) == 0);
    CHECK(mw_event_header_name(NULL, 0, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_header_value_count(NULL, 0) == 0);
    len = 7;
    CHECK(mw_event_header_value(NULL, 0, 0, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_headers_json(NULL, buffer, sizeof buffer) == 0);
    CHECK(buffer[0] == '\0');
    len = 7;
    CHECK(mw_event_payload_json(NULL, &len) == NULL);
    CHECK(len == 0);
    len = 7;
    CHECK(mw_event_payload_raw(NULL, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_topic(NULL) == NULL);
    CHECK(mw_event_partition(NULL) == -1);
    CHECK(mw_event_offset(NULL) == -1);
    len = 7;
    CHECK(mw_event_key(NULL, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_copy(NULL) == NULL);

    CHECK(mw_profile_load(NULL, &profile, NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(profile == NULL);
    CHECK(mw_profile_load("profile.json", NULL, NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_profile_parse(NULL, 0, &profile, NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_profile_parse("{}", 2, NULL, NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_profile_consumer_name(NULL) == NULL);
    CHECK(mw_profile_auth_mechanism(NULL) == NULL);
    CHECK(mw_profile_auth_secret(NULL) == NULL);
    CHECK(mw_profile_kafka_bootstrap(NULL) == NULL);
    CHECK(mw_profile_security_protocol(NULL) == NULL);
    CHECK(mw_profile_ssl_ca_location(NULL) == NULL);

    CHECK(mw_consumer_new(NULL, NULL, &consumer, NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(consumer == NULL);
    CHECK(mw_consumer_new("t", NULL, NULL, NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_consumer_set_option(NULL, "k", "v", NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_consumer_run(NULL, NULL, NULL, NULL) == MW_ERR_INVALID_ARGUMENT);
    mw_consumer_stop(NULL);
    mw_consumer_free(NULL);
    mw_profile_free(NULL);
    mw_event_free(NULL);
    mw_error_free(NULL);
    report("NULL arguments give MW_ERR_INVALID_ARGUMENT, NULL, 0 or -1");
}

static void test_null_handler_and_option(void) {
    mw_consumer *consumer = new_consumer();
    mw_error *error = NULL;
    CHECK(mw_consumer_run(consumer, NULL, NULL, &error) == MW_ERR_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(mw_error_message(error), "handler") != NULL);
    mw_error_free(error);
    CHECK(mw_consumer_set_option(consumer, NULL, "v", NULL) == MW_ERR_INVALID_ARGUMENT);
    CHECK(mw_consumer_set_option(consumer, "session.timeout.ms", NULL, NULL) == MW_ERR_INVALID_ARGUMENT);
    mw_consumer_free(consumer);
    report("NULL handler, key and value are rejected");
}

/* MARK: - Runs */

typedef struct {
    mw_consumer *consumer;
    int events;
    int stop_after;
    int free_after;
    int fail_after;
} run_state;

static int counting_handler(const mw_event *event, void *user_data) {
    run_state *state = user_data;
    (void)event;
    state->events++;
    if (state->stop_after && state->events == state->stop_after) {
        mw_consumer_stop(state->consumer);
    }
    if (state->free_after && state->events == state->free_after) {
        mw_consumer_free(state->consumer);
        state->consumer = NULL;
    }
    if (state->fail_after && state->events == state->fail_after) {
        return 42;
    }
    return 0;
}

static void test_stop_before_run(void) {
    run_state state = {0};
    double start;
    state.consumer = new_consumer();
    mw_consumer_stop(state.consumer);
    mw_consumer_stop(state.consumer);
    start = now_seconds();
    CHECK(mw_consumer_run(state.consumer, counting_handler, &state, NULL) == MW_OK);
    CHECK(now_seconds() - start < 1.0);
    CHECK(state.events == 0);
    mw_consumer_free(state.consumer);
    report("stop before run makes the run return MW_OK at once");
}

static void test_handler_stops(void) {
    run_state state = {0};
    state.consumer = new_consumer();
    state.stop_after = 1;
    CHECK(mw_consumer_run(state.consumer, counting_handler, &state, NULL) == MW_OK);
    CHECK(state.events == 1);
    mw_consumer_free(state.consumer); /* free after stop */
    report("a handler that calls stop ends the run after its event");
}

static void test_handler_fails(void) {
    run_state state = {0};
    mw_error *error = NULL;
    state.consumer = new_consumer();
    state.fail_after = 2;
    CHECK(mw_consumer_run(state.consumer, counting_handler, &state, &error) == MW_ERR_HANDLER);
    CHECK(state.events == 2);
    CHECK(error != NULL && mw_error_code(error) == MW_ERR_HANDLER);
    CHECK(error != NULL && mw_error_topic(error) != NULL && strcmp(mw_error_topic(error), topic) == 0);
    CHECK(error != NULL && mw_error_partition(error) >= 0);
    CHECK(error != NULL && mw_error_offset(error) >= 0);
    CHECK(error != NULL && strstr(mw_error_message(error), "returned 42") != NULL);
    mw_error_free(error);
    mw_consumer_free(state.consumer);
    report("a failing handler gives MW_ERR_HANDLER with the record's coordinates");
}

static void test_handler_frees_consumer(void) {
    run_state state = {0};
    mw_consumer *consumer = new_consumer();
    state.consumer = consumer;
    state.free_after = 1;
    CHECK(mw_consumer_run(consumer, counting_handler, &state, NULL) == MW_OK);
    CHECK(state.events == 1);
    report("a handler that frees its consumer ends the run after its event");
}

static void *run_in_thread(void *argument) {
    run_state *state = argument;
    mw_status *status = malloc(sizeof *status);
    *status = mw_consumer_run(state->consumer, counting_handler, state, NULL);
    return status;
}

static void test_concurrent_runs(void) {
    run_state state = {0};
    pthread_t thread;
    mw_error *error = NULL;
    void *result = NULL;
    double start;

    state.consumer = new_consumer();
    pthread_create(&thread, NULL, run_in_thread, &state);
    for (start = now_seconds(); state.events == 0 && now_seconds() - start < 30;) {
        sleep_milliseconds(10);
    }
    CHECK(state.events > 0);

    CHECK(mw_consumer_run(state.consumer, counting_handler, &state, &error) == MW_ERR_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(mw_error_message(error), "already running") != NULL);
    mw_error_free(error);
    CHECK(mw_consumer_set_option(state.consumer, "session.timeout.ms", "10000", NULL) == MW_ERR_INVALID_ARGUMENT);

    start = now_seconds();
    mw_consumer_stop(state.consumer);
    pthread_join(thread, &result);
    CHECK(now_seconds() - start < 5.0);
    CHECK(result != NULL && *(mw_status *)result == MW_OK);
    free(result);
    mw_consumer_free(state.consumer);
    report("a second run or an option while running gives MW_ERR_INVALID_ARGUMENT");
}

static void test_free_while_running(void) {
    run_state state = {0};
    pthread_t thread;
    void *result = NULL;
    double start;

    state.consumer = new_consumer();
    pthread_create(&thread, NULL, run_in_thread, &state);
    for (start = now_seconds(); state.events == 0 && now_seconds() - start < 30;) {
        sleep_milliseconds(10);
    }
    CHECK(state.events > 0);
    mw_consumer_free(state.consumer);
    start = now_seconds();
    pthread_join(thread, &result);
    CHECK(now_seconds() - start < 5.0);
    CHECK(result != NULL && *(mw_status *)result == MW_OK);
    free(result);
    report("freeing a running consumer from another thread stops the run");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC\n", argv[0]);
        return 64;
    }
    bootstrap = argv[1];
    topic = argv[2];
    mw_set_log_handler(quiet_log, NULL, MW_LOG_ERROR);

    test_null_arguments();
    test_null_handler_and_option();
    test_stop_before_run();
    test_handler_stops();
    test_handler_fails();
    test_handler_frees_consumer();
    test_concurrent_runs();
    test_free_while_running();

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
