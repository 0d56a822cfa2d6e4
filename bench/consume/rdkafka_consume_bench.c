/*
 * rdkafka_consume_bench.c - measures how fast a plain librdkafka consumer
 * reads a topic, as the baseline for mw_consume_bench.
 *
 * usage: rdkafka_consume_bench BOOTSTRAP TOPIC GROUP RECORDS [TIMEOUT_SECONDS [KEY=VALUE...]]
 *
 * Runs one high-level consumer in consumer group GROUP with the settings
 * libmisterwebhooks uses (auto.offset.reset=earliest, offsets stored by hand
 * after each record and committed in the background, a 16 MiB prefetch queue,
 * fetch.max.bytes of 8 MiB) until it has read RECORDS records. It decodes
 * nothing: it only reads each record's payload length and first byte, stores
 * the offset, and checks that each partition's offsets arrive as 0, 1, 2, ...
 * with no gap and no duplicate. It commits the stored offsets and closes the
 * consumer before it exits, as mw_consumer_run() does. It exits 1 when a check
 * fails or fewer than RECORDS records arrive within TIMEOUT_SECONDS (default
 * 120). Each KEY=VALUE sets a librdkafka property after those above.
 *
 * On success it prints one line of key=value pairs:
 *   events                       records read
 *   seconds, events_per_second   from the first record to the end of the
 *                                handling of the last
 *   seconds_with_join,
 *   events_per_second_with_join  from the subscription, so including the
 *                                consumer group join
 *   payload_bytes                summed length of the record values
 *   max_rss_kib                  peak resident set size (getrusage ru_maxrss)
 */
#define _POSIX_C_SOURCE 200112L

#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define POLL_TIMEOUT_MS 100

/* Counts and offsets that the poll loop has collected so far. */
typedef struct {
    long expected;
    long records;
    unsigned long long payload_bytes;
    unsigned first_byte_sum; /* keeps the payload reads from being optimized away */
    double first_record_seconds;
    double last_record_seconds;
    /* next_offsets[p] is the offset expected next from partition p. */
    int64_t *next_offsets;
    int32_t partition_capacity;
} bench_state;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_option(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char reason[512];
    if (rd_kafka_conf_set(conf, key, value, reason, sizeof reason) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "rdkafka_consume_bench: invalid option %s=%s: %s\n", key, value, reason);
        exit(1);
    }
}

/* Creates the consumer and subscribes it to the topic, or exits on failure. */
static rd_kafka_t *create_consumer(const char *bootstrap, const char *topic, const char *group, char **options,
                                   int option_count) {
    char reason[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_topic_partition_list_t *topics;
    rd_kafka_resp_err_t error;
    rd_kafka_t *consumer;
    int i;

    set_option(conf, "bootstrap.servers", bootstrap);
    set_option(conf, "security.protocol", "plaintext");
    set_option(conf, "client.id", "rdkafka_consume_bench");
    set_option(conf, "group.id", group);
    set_option(conf, "auto.offset.reset", "earliest");
    set_option(conf, "enable.auto.offset.store", "false");
    set_option(conf, "enable.auto.commit", "true");
    set_option(conf, "queued.max.messages.kbytes", "65536");
    set_option(conf, "fetch.max.bytes", "8388608");
    for (i = 0; i < option_count; i++) {
        char *separator = strchr(options[i], '=');

        if (separator == NULL) {
            fprintf(stderr, "rdkafka_consume_bench: option \"%s\" is not KEY=VALUE\n", options[i]);
            exit(64);
        }
        *separator = '\0';
        set_option(conf, options[i], separator + 1);
    }

    consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
    if (consumer == NULL) {
        fprintf(stderr, "rdkafka_consume_bench: cannot create the Kafka consumer: %s\n", reason);
        exit(1);
    }
    rd_kafka_poll_set_consumer(consumer);

    topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    error = rd_kafka_subscribe(consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "rdkafka_consume_bench: cannot subscribe to topic %s: %s\n", topic, rd_kafka_err2str(error));
        exit(1);
    }
    return consumer;
}

/* Returns 0 when the record is the next offset of its partition, growing the
 * offset table as new partitions appear. */
static int check_offset(bench_state *state, const rd_kafka_message_t *message) {
    int32_t partition = message->partition;

    if (partition < 0) {
        fprintf(stderr, "rdkafka_consume_bench: record with negative partition %d\n", (int)partition);
        return 1;
    }
    if (partition >= state->partition_capacity) {
        int32_t capacity = partition + 64;
        int64_t *grown = realloc(state->next_offsets, (size_t)capacity * sizeof *grown);
        int32_t p;

        if (grown == NULL) {
            fprintf(stderr, "rdkafka_consume_bench: out of memory for the offset table\n");
            return 1;
        }
        for (p = state->partition_capacity; p < capacity; p++) {
            grown[p] = 0;
        }
        state->next_offsets = grown;
        state->partition_capacity = capacity;
    }

    if (message->offset != state->next_offsets[partition]) {
        fprintf(stderr, "rdkafka_consume_bench: partition %d returned offset %lld, expected %lld "
                "(offset gap or duplicate)\n",
                (int)partition, (long long)message->offset, (long long)state->next_offsets[partition]);
        return 1;
    }
    state->next_offsets[partition]++;
    return 0;
}

/* Reads one record and stores its offset. Returns 0 when it passes the check. */
static int handle_record(bench_state *state, const rd_kafka_message_t *message) {
    rd_kafka_resp_err_t error;

    if (state->records == 0) {
        state->first_record_seconds = now_seconds();
    }
    if (check_offset(state, message) != 0) {
        return 1;
    }

    state->payload_bytes += message->len;
    if (message->len > 0) {
        state->first_byte_sum += ((const unsigned char *)message->payload)[0];
    }

    error = rd_kafka_offset_store(message->rkt, message->partition, message->offset);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "rdkafka_consume_bench: cannot store offset %lld of partition %d: %s\n",
                (long long)message->offset, (int)message->partition, rd_kafka_err2str(error));
    }

    state->records++;
    if (state->records == state->expected) {
        state->last_record_seconds = now_seconds();
    }
    return 0;
}

/* Polls until the expected record count or the deadline. Returns 0 when
 * every record passed the check. */
static int consume(rd_kafka_t *consumer, bench_state *state, double deadline_seconds) {
    while (state->records < state->expected && now_seconds() < deadline_seconds) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(consumer, POLL_TIMEOUT_MS);
        int failed = 0;

        if (message == NULL) {
            continue;
        }
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            failed = handle_record(state, message);
        } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            /* librdkafka retries on its own, as it does in libmisterwebhooks. */
            fprintf(stderr, "rdkafka_consume_bench: Kafka error: %s\n", rd_kafka_message_errstr(message));
        }
        rd_kafka_message_destroy(message);
        if (failed) {
            return 1;
        }
    }
    return 0;
}

/* Commits the stored offsets, then leaves the group and destroys the client. */
static void close_consumer(rd_kafka_t *consumer) {
    rd_kafka_resp_err_t error = rd_kafka_commit(consumer, NULL, 0);

    if (error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        fprintf(stderr, "rdkafka_consume_bench: final offset commit failed: %s\n", rd_kafka_err2str(error));
    }
    error = rd_kafka_consumer_close(consumer);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "rdkafka_consume_bench: closing the consumer failed: %s\n", rd_kafka_err2str(error));
    }
    rd_kafka_destroy(consumer);
}

static long max_rss_kib(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; /* kibibytes on Linux */
}

int main(int argc, char **argv) {
    bench_state state = {0};
    rd_kafka_t *consumer;
    double start_seconds, seconds, seconds_with_join;
    int timeout_seconds, failed;

    if (argc < 5) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC GROUP RECORDS [TIMEOUT_SECONDS [KEY=VALUE...]]\n", argv[0]);
        return 64;
    }
    state.expected = atol(argv[4]);
    timeout_seconds = argc >= 6 ? atoi(argv[5]) : 120;
    if (state.expected <= 0 || timeout_seconds <= 0) {
        fprintf(stderr, "rdkafka_consume_bench: RECORDS and TIMEOUT_SECONDS must be positive integers\n");
        return 64;
    }

    start_seconds = now_seconds();
    consumer = create_consumer(argv[1], argv[2], argv[3], argv + 6, argc > 6 ? argc - 6 : 0);
    failed = consume(consumer, &state, start_seconds + timeout_seconds);
    close_consumer(consumer);
    free(state.next_offsets);

    if (failed) {
        return 1;
    }
    if (state.records != state.expected) {
        fprintf(stderr, "rdkafka_consume_bench: read %ld records in %d s, expected %ld\n", state.records,
                timeout_seconds, state.expected);
        return 1;
    }

    seconds = state.last_record_seconds - state.first_record_seconds;
    seconds_with_join = state.last_record_seconds - start_seconds;
    printf("events=%ld seconds=%.3f events_per_second=%.0f seconds_with_join=%.3f "
           "events_per_second_with_join=%.0f payload_bytes=%llu first_byte_sum=%u max_rss_kib=%ld\n",
           state.records, seconds, (double)state.records / seconds, seconds_with_join,
           (double)state.records / seconds_with_join, state.payload_bytes, state.first_byte_sum, max_rss_kib());
    return 0;
}
