/*
 * check_watermarks.c - checks that a topic still contains every record that
 * was published to it.
 *
 * usage: check_watermarks BOOTSTRAP TOPIC EXPECTED_RECORDS
 *
 * librdkafka's mock cluster keeps only about 5 MB of records per partition
 * and drops older records without telling the producer. This program queries
 * the low and high watermark of every partition of TOPIC and exits 0 only
 * when every low watermark is 0 and the high watermarks add up to
 * EXPECTED_RECORDS. It prints the partition count, the record total and the
 * largest partition's record count.
 */
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>

#define TIMEOUT_MS 10000

/* Creates a producer client, which needs no consumer group to query offsets. */
static rd_kafka_t *create_client(const char *bootstrap) {
    char reason[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *client;

    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, reason, sizeof reason) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "check_watermarks: invalid bootstrap.servers \"%s\": %s\n", bootstrap, reason);
        exit(2);
    }
    client = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
    if (client == NULL) {
        fprintf(stderr, "check_watermarks: cannot create the Kafka client: %s\n", reason);
        exit(2);
    }
    return client;
}

/* Returns the partition count of the topic, or exits when the topic is not found. */
static int count_partitions(rd_kafka_t *client, const char *topic_name) {
    rd_kafka_topic_t *topic = rd_kafka_topic_new(client, topic_name, NULL);
    const struct rd_kafka_metadata *metadata = NULL;
    rd_kafka_resp_err_t error;
    int partitions;

    error = rd_kafka_metadata(client, 0, topic, &metadata, TIMEOUT_MS);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR || metadata->topic_cnt != 1 ||
        metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "check_watermarks: metadata request for topic %s failed: %s\n", topic_name,
                rd_kafka_err2str(error != RD_KAFKA_RESP_ERR_NO_ERROR ? error : metadata->topics[0].err));
        exit(2);
    }
    partitions = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(topic);
    return partitions;
}

int main(int argc, char **argv) {
    const char *topic;
    long long expected, total = 0, largest = 0;
    int partitions, partition, dropped = 0;
    rd_kafka_t *client;

    if (argc != 4) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC EXPECTED_RECORDS\n", argv[0]);
        return 64;
    }
    topic = argv[2];
    expected = atoll(argv[3]);

    client = create_client(argv[1]);
    partitions = count_partitions(client, topic);

    for (partition = 0; partition < partitions; partition++) {
        int64_t low = -1, high = -1;
        rd_kafka_resp_err_t error =
            rd_kafka_query_watermark_offsets(client, topic, partition, &low, &high, TIMEOUT_MS);

        if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "check_watermarks: watermark query of partition %d failed: %s\n", partition,
                    rd_kafka_err2str(error));
            return 2;
        }
        if (low != 0) {
            fprintf(stderr, "check_watermarks: partition %d starts at offset %lld, so the broker dropped "
                    "%lld records; use more partitions or fewer repeats\n",
                    partition, (long long)low, (long long)low);
            dropped = 1;
        }
        total += high;
        if (high > largest) {
            largest = high;
        }
    }
    rd_kafka_destroy(client);

    printf("partitions=%d records=%lld largest_partition=%lld\n", partitions, total, largest);
    if (dropped) {
        return 1;
    }
    if (total != expected) {
        fprintf(stderr, "check_watermarks: topic %s contains %lld records, expected %lld\n", topic, total, expected);
        return 1;
    }
    return 0;
}
