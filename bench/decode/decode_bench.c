/*
 * decode_bench.c - measures mw_event_decode() throughput on one thread.
 *
 * usage: decode_bench RECORDS_FILE MIN_SECONDS
 *
 * RECORDS_FILE contains record values, each as a 4-byte little-endian length
 * followed by the value (an Avro KafkaMessageEnvelopeV1). The driver decodes
 * every record with envelope 0x80, reads its payload JSON and frees the
 * event, in passes over the whole file until MIN_SECONDS have passed.
 * It prints "records=N bytes=B seconds=S checksum=C", where B counts record
 * value bytes and C is the summed length of the payload JSON texts.
 */
#define _POSIX_C_SOURCE 199309L

#include "misterwebhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const unsigned char *value;
    size_t len;
} record;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the whole file into memory; exits on failure. */
static unsigned char *read_file(const char *path, size_t *out_len) {
    FILE *file = fopen(path, "rb");
    unsigned char *data;
    long size;

    if (file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    fseek(file, 0, SEEK_SET);
    data = malloc(size > 0 ? (size_t)size : 1);
    if (data == NULL || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(file);
    *out_len = (size_t)size;
    return data;
}

/* Splits the file into records; exits when a length runs past the end. */
static record *split_records(const unsigned char *data, size_t len, size_t *out_count) {
    size_t capacity = 64, count = 0, position = 0;
    record *records = malloc(capacity * sizeof *records);

    while (position < len) {
        size_t value_len;
        if (len - position < 4) {
            fprintf(stderr, "truncated length at byte %zu\n", position);
            exit(2);
        }
        value_len = (size_t)data[position] | (size_t)data[position + 1] << 8 |
                    (size_t)data[position + 2] << 16 | (size_t)data[position + 3] << 24;
        position += 4;
        if (value_len > len - position) {
            fprintf(stderr, "record at byte %zu is longer than the file\n", position);
            exit(2);
        }
        if (count == capacity) {
            capacity *= 2;
            records = realloc(records, capacity * sizeof *records);
        }
        records[count].value = data + position;
        records[count].len = value_len;
        count++;
        position += value_len;
    }
    *out_count = count;
    return records;
}

int main(int argc, char **argv) {
    static const unsigned char envelope = 0x80;
    size_t file_len, count, i;
    unsigned char *data;
    record *records;
    double min_seconds, start, elapsed;
    unsigned long long decoded = 0, bytes = 0, checksum = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: %s RECORDS_FILE MIN_SECONDS\n", argv[0]);
        return 2;
    }
    data = read_file(argv[1], &file_len);
    records = split_records(data, file_len, &count);
    min_seconds = atof(argv[2]);
    if (count == 0) {
        fprintf(stderr, "%s contains no records; run bench/decode/run.sh to create it\n", argv[1]);
        return 2;
    }

    start = now_seconds();
    do {
        for (i = 0; i < count; i++) {
            mw_event *event = NULL;
            mw_error *error = NULL;
            size_t json_len = 0;
            mw_status status = mw_event_decode(&envelope, 1, records[i].value, records[i].len,
                                               0, &event, &error);
            if (status != MW_OK || event == NULL) {
                fprintf(stderr, "record %zu: %s: %s\n", i, mw_status_name(status),
                        error ? mw_error_message(error) : "no event");
                mw_error_free(error);
                return 1;
            }
            mw_event_payload_json(event, &json_len);
            checksum += json_len;
            mw_event_free(event);
            bytes += records[i].len;
        }
        decoded += count;
        elapsed = now_seconds() - start;
    } while (elapsed < min_seconds);

    printf("records=%llu bytes=%llu seconds=%.6f checksum=%llu\n", decoded, bytes, elapsed, checksum);
    free(records);
    free(data);
    return 0;
}
