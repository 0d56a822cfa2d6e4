/*
 * kafka_offsets.c - prints the watermarks of each partition of a topic and,
 * with GROUP, the consumer group's committed offsets, for the fault tests.
 *
 *     kafka_offsets BOOTSTRAP TOPIC PARTITIONS [GROUP]
 *
 * Prints one line per partition: "PARTITION LOW HIGH COMMITTED", where
 * COMMITTED is -1001 (RD_KAFKA_OFFSET_INVALID) when the group has no
 * committed offset for the partition or no GROUP was given. Exits 1 when a
 * request fails.
 */
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>

static rd_kafka_t *new_client(const char *bootstrap, const char *group) {
    char reason[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();

    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, reason, sizeof reason) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "group.id", group, reason, sizeof reason) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "log_level", "3", reason, sizeof reason) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kafka_offsets: invalid configuration: %s\n", reason);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_t *client = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
    if (client == NULL) {
        fprintf(stderr, "kafka_offsets: cannot create the client: %s\n", reason);
    }
    return client;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC PARTITIONS [GROUP]\n", argv[0]);
        return 64;
    }
    const char *topic = argv[2];
    int partitions = atoi(argv[3]);
    const char *group = argc == 5 ? argv[4] : "kafka-offsets-watermarks";
    rd_kafka_t *client = new_client(argv[1], group);
    if (client == NULL) {
        return 1;
    }

    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
    for (int partition = 0; partition < partitions; partition++) {
        rd_kafka_topic_partition_list_add(list, topic, partition);
    }
    int status = 0;
    if (argc == 5) {
        rd_kafka_resp_err_t error = rd_kafka_committed(client, list, 10000);
        if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "kafka_offsets: committed offsets of group %s: %s\n", group, rd_kafka_err2str(error));
            status = 1;
        }
    }

    for (int index = 0; status == 0 && index < list->cnt; index++) {
        int64_t low = -1;
        int64_t high = -1;
        int32_t partition = list->elems[index].partition;
        rd_kafka_resp_err_t error = rd_kafka_query_watermark_offsets(client, topic, partition, &low, &high, 10000);
        if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            fprintf(stderr, "kafka_offsets: watermarks of partition %d: %s\n", (int)partition, rd_kafka_err2str(error));
            status = 1;
            break;
        }
        long long committed = argc == 5 ? (long long)list->elems[index].offset : RD_KAFKA_OFFSET_INVALID;
        printf("%d %lld %lld %lld\n", (int)partition, (long long)low, (long long)high, committed);
    }

    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(client);
    return status;
}
