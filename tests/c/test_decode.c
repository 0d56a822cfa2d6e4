/*
 * test_decode.c - checks the part of include/misterwebhooks.h that needs no
 * Kafka: versions, names, mw_event_decode(), the event accessors, errors,
 * copies and frees.
 *
 * Built and run by `make test`, linked to build/lib/libmisterwebhooks.so.
 *
 * Prints one line per group of checks and ends with "N passed, M failed";
 * exits 1 when a check failed.
 */
#include "misterwebhooks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed;
static int failed;
static int group_failed;

#define CHECK(condition)                                                    \
    do {                                                                    \
        if (condition) {                                                    \
            passed++;                                                       \
        } else {                                                            \
            failed++;                                                       \
            group_failed++;                                                 \
            printf("  FAIL %s:%d: %s\n", __FILE__, __LINE__, #condition);   \
        }                                                                   \
    } while (0)

static void begin_group(void) {
    group_failed = 0;
}

static void end_group(const char *name) {
    printf("%s %s\n", group_failed ? "FAIL" : "ok  ", name);
}

/* Returns whether a NUL-terminated string equals `expected`. */
static int str_eq(const char *actual, const char *expected) {
    return actual != NULL && strcmp(actual, expected) == 0;
}

/* Returns whether `len` bytes at `actual` equal `expected_len` bytes. */
static int bytes_eq(const void *actual, size_t len, const void *expected, size_t expected_len) {
    return actual != NULL && len == expected_len && memcmp(actual, expected, len) == 0;
}

/* MARK: - Building records */

/* A byte buffer for hand-built Avro records. */
typedef struct {
    unsigned char data[512];
    size_t len;
} buffer;

static void put_byte(buffer *b, unsigned char byte) {
    if (b->len < sizeof b->data) {
        b->data[b->len++] = byte;
    }
}

/* Appends an Avro `long`: zig-zag, then a base-128 varint. */
static void put_long(buffer *b, int64_t value) {
    uint64_t zigzag = ((uint64_t)value << 1) ^ (uint64_t)(value < 0 ? -1 : 0);
    while (zigzag >= 0x80) {
        put_byte(b, (unsigned char)((zigzag & 0x7F) | 0x80));
        zigzag >>= 7;
    }
    put_byte(b, (unsigned char)zigzag);
}

/* Appends an Avro `string` or `bytes` value. */
static void put_bytes(buffer *b, const void *bytes, size_t len) {
    size_t i;
    put_long(b, (int64_t)len);
    for (i = 0; i < len; i++) {
        put_byte(b, ((const unsigned char *)bytes)[i]);
    }
}

static void put_string(buffer *b, const char *text) {
    put_bytes(b, text, strlen(text));
}

/*
 * Builds a KafkaMessageEnvelopeV1 with `method`, `payload` and `encoding`.
 * It has three header entries: "Content-Type" with one value, "X-Multi" with
 * the values "a", "" and "x\0y", and "X-None" with no value.
 */
static buffer make_record(int64_t method, const void *payload, size_t payload_len, int64_t encoding) {
    buffer b;
    b.len = 0;
    put_long(&b, method);

    put_long(&b, 3);
    put_string(&b, "Content-Type");
    put_long(&b, 1);
    put_string(&b, "application/json");
    put_long(&b, 0);
    put_string(&b, "X-Multi");
    put_long(&b, 3);
    put_string(&b, "a");
    put_string(&b, "");
    put_bytes(&b, "x\0y", 3);
    put_long(&b, 0);
    put_string(&b, "X-None");
    put_long(&b, 0);
    put_long(&b, 0);

    put_bytes(&b, payload, payload_len);
    put_long(&b, encoding);
    return b;
}

static const unsigned char envelope_v1[] = {0x80};
static const char json_payload[] = "{\"action\":\"opened\",\"number\":18446744073709551615}";
/* CBOR {"a": h'0102', "n": -1}, which becomes {"a":"AQI","n":-1}. */
static const unsigned char cbor_payload[] = {0xA2, 0x61, 0x61, 0x42, 0x01, 0x02, 0x61, 0x6E, 0x20};

/* MARK: - Checks */

static void test_version(void) {
    char expected[32];
    begin_group();
    snprintf(expected, sizeof expected, "%d.%d.%d", MW_VERSION_MAJOR, MW_VERSION_MINOR, MW_VERSION_PATCH);
    CHECK(str_eq(mw_version(), expected));
    CHECK(mw_version() == mw_version());
    end_group("mw_version matches the MW_VERSION_* macros");
}

static void test_status_names(void) {
    begin_group();
    CHECK(str_eq(mw_status_name(MW_OK), "MW_OK"));
    CHECK(str_eq(mw_status_name(MW_ERR_INVALID_ARGUMENT), "MW_ERR_INVALID_ARGUMENT"));
    CHECK(str_eq(mw_status_name(MW_ERR_IO), "MW_ERR_IO"));
    CHECK(str_eq(mw_status_name(MW_ERR_PROFILE), "MW_ERR_PROFILE"));
    CHECK(str_eq(mw_status_name(MW_ERR_KAFKA), "MW_ERR_KAFKA"));
    CHECK(str_eq(mw_status_name(MW_ERR_AUTHENTICATION), "MW_ERR_AUTHENTICATION"));
    CHECK(str_eq(mw_status_name(MW_ERR_MALFORMED_MESSAGE), "MW_ERR_MALFORMED_MESSAGE"));
    CHECK(str_eq(mw_status_name(MW_ERR_UNSUPPORTED_ENVELOPE), "MW_ERR_UNSUPPORTED_ENVELOPE"));
    CHECK(str_eq(mw_status_name(MW_ERR_ENVELOPE_DECODE), "MW_ERR_ENVELOPE_DECODE"));
    CHECK(str_eq(mw_status_name(MW_ERR_PAYLOAD_DECODE), "MW_ERR_PAYLOAD_DECODE"));
    CHECK(str_eq(mw_status_name(MW_ERR_HANDLER), "MW_ERR_HANDLER"));
    CHECK(str_eq(mw_status_name((mw_status)6), "MW_ERR_UNKNOWN"));
    CHECK(str_eq(mw_status_name((mw_status)-1), "MW_ERR_UNKNOWN"));
    CHECK(str_eq(mw_status_name((mw_status)1000), "MW_ERR_UNKNOWN"));
    end_group("mw_status_name for every status and unknown values");
}

static void test_method_and_encoding_names(void) {
    begin_group();
    CHECK(str_eq(mw_http_method_name(MW_METHOD_GET), "GET"));
    CHECK(str_eq(mw_http_method_name(MW_METHOD_HEAD), "HEAD"));
    CHECK(str_eq(mw_http_method_name(MW_METHOD_POST), "POST"));
    CHECK(str_eq(mw_http_method_name(MW_METHOD_PUT), "PUT"));
    CHECK(str_eq(mw_http_method_name(MW_METHOD_DELETE), "DELETE"));
    CHECK(str_eq(mw_http_method_name(MW_METHOD_PATCH), "PATCH"));
    CHECK(mw_http_method_name((mw_http_method)6) == NULL);
    CHECK(mw_http_method_name((mw_http_method)-1) == NULL);
    CHECK(str_eq(mw_payload_encoding_name(MW_ENCODING_JSON), "JSON"));
    CHECK(str_eq(mw_payload_encoding_name(MW_ENCODING_CBOR), "CBOR"));
    CHECK(mw_payload_encoding_name((mw_payload_encoding)2) == NULL);
    CHECK(mw_payload_encoding_name((mw_payload_encoding)-1) == NULL);
    end_group("mw_http_method_name and mw_payload_encoding_name, out of range gives NULL");
}

static void test_decode_json_event(void) {
    buffer record = make_record(MW_METHOD_PATCH, json_payload, strlen(json_payload), MW_ENCODING_JSON);
    mw_event *event = NULL;
    mw_error *error = (mw_error *)&record; /* any non-NULL value: decode must clear it */
    size_t len = 12345;
    const char *text;
    mw_status status;

    begin_group();
    status = mw_event_decode(envelope_v1, 1, record.data, record.len, 1733300000123LL, &event, &error);
    CHECK(status == MW_OK);
    CHECK(error == NULL);
    CHECK(event != NULL);
    if (event == NULL) {
        end_group("mw_event_decode of a JSON record and every accessor");
        return;
    }
    memset(record.data, 0xEE, record.len); /* the inputs were copied */

    CHECK(mw_event_method(event) == MW_METHOD_PATCH);
    CHECK(mw_event_encoding(event) == MW_ENCODING_JSON);
    CHECK(mw_event_timestamp_ms(event) == 1733300000123LL);

    CHECK(mw_event_header_count(event) == 3);
    text = mw_event_header_name(event, 0, &len);
    CHECK(bytes_eq(text, len, "Content-Type", 12));
    CHECK(str_eq(text, "Content-Type"));
    CHECK(mw_event_header_value_count(event, 0) == 1);
    text = mw_event_header_value(event, 0, 0, &len);
    CHECK(bytes_eq(text, len, "application/json", 16));
    CHECK(str_eq(text, "application/json"));

    CHECK(str_eq(mw_event_header_name(event, 1, NULL), "X-Multi"));
    CHECK(mw_event_header_value_count(event, 1) == 3);
    CHECK(str_eq(mw_event_header_value(event, 1, 0, NULL), "a"));
    text = mw_event_header_value(event, 1, 1, &len);
    CHECK(text != NULL);
    CHECK(len == 0);
    CHECK(str_eq(text, ""));
    text = mw_event_header_value(event, 1, 2, &len);
    CHECK(bytes_eq(text, len, "x\0y", 3));
    CHECK(text != NULL);
    CHECK(text == NULL || text[3] == '\0');

    CHECK(str_eq(mw_event_header_name(event, 2, &len), "X-None"));
    CHECK(len == 6);
    CHECK(mw_event_header_value_count(event, 2) == 0);

    text = mw_event_payload_json(event, &len);
    CHECK(bytes_eq(text, len, json_payload, strlen(json_payload)));
    CHECK(str_eq(text, json_payload));
    CHECK(mw_event_payload_json(event, NULL) == text);
    text = (const char *)mw_event_payload_raw(event, &len);
    CHECK(bytes_eq(text, len, json_payload, strlen(json_payload)));

    CHECK(str_eq(mw_event_topic(event), ""));
    CHECK(mw_event_partition(event) == -1);
    CHECK(mw_event_offset(event) == -1);
    len = 99;
    CHECK(mw_event_key(event, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_key(event, NULL) == NULL);

    mw_event_free(event);
    end_group("mw_event_decode of a JSON record and every accessor");
}

static void test_headers_json(void) {
    static const char expected[] =
        "[[\"Content-Type\",[\"application/json\"]],[\"X-Multi\",[\"a\",\"\",\"x\\u0000y\"]],[\"X-None\",[]]]";
    buffer record = make_record(MW_METHOD_POST, json_payload, strlen(json_payload), MW_ENCODING_JSON);
    mw_event *event = NULL;
    char text[256];
    char small[5];
    size_t len;

    begin_group();
    CHECK(mw_event_decode(envelope_v1, 1, record.data, record.len, 0, &event, NULL) == MW_OK);
    if (event == NULL) {
        end_group("mw_event_headers_json writes the headers like snprintf");
        return;
    }
    len = mw_event_headers_json(event, NULL, 0);
    CHECK(len == strlen(expected));
    CHECK(mw_event_headers_json(event, text, sizeof text) == len);
    CHECK(str_eq(text, expected));
    CHECK(mw_event_headers_json(event, small, sizeof small) == len);
    CHECK(str_eq(small, "[[\"C"));
    mw_event_free(event);
    end_group("mw_event_headers_json writes the headers like snprintf");
}

static void test_out_of_range_indexes(void) {
    buffer record = make_record(MW_METHOD_POST, json_payload, strlen(json_payload), MW_ENCODING_JSON);
    mw_event *event = NULL;
    size_t len;

    begin_group();
    CHECK(mw_event_decode(envelope_v1, 1, record.data, record.len, 0, &event, NULL) == MW_OK);
    if (event == NULL) {
        end_group("accessors return NULL or 0 for out-of-range indexes");
        return;
    }
    len = 77;
    CHECK(mw_event_header_name(event, 3, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_header_name(event, (size_t)-1, NULL) == NULL);
    CHECK(mw_event_header_value_count(event, 3) == 0);
    CHECK(mw_event_header_value_count(event, (size_t)-1) == 0);
    len = 77;
    CHECK(mw_event_header_value(event, 3, 0, &len) == NULL);
    CHECK(len == 0);
    len = 77;
    CHECK(mw_event_header_value(event, 0, 1, &len) == NULL);
    CHECK(len == 0);
    CHECK(mw_event_header_value(event, 2, 0, NULL) == NULL);
    CHECK(mw_event_header_value(event, 1, 3, NULL) == NULL);
    CHECK(mw_event_header_value(event, (size_t)-1, (size_t)-1, NULL) == NULL);
    mw_event_free(event);
    end_group("accessors return NULL or 0 for out-of-range indexes");
}

static void test_decode_cbor_event(void) {
    static const char expected_json[] = "{\"a\":\"AQI\",\"n\":-1}";
    buffer record = make_record(MW_METHOD_GET, cbor_payload, sizeof cbor_payload, MW_ENCODING_CBOR);
    mw_event *event = NULL;
    size_t len;
    const char *text;

    begin_group();
    CHECK(mw_event_decode(envelope_v1, 1, record.data, record.len, -5, &event, NULL) == MW_OK);
    if (event == NULL) {
        end_group("mw_event_decode of a CBOR record converts the payload");
        return;
    }
    CHECK(mw_event_method(event) == MW_METHOD_GET);
    CHECK(mw_event_encoding(event) == MW_ENCODING_CBOR);
    CHECK(mw_event_timestamp_ms(event) == -5);
    text = mw_event_payload_json(event, &len);
    CHECK(bytes_eq(text, len, expected_json, strlen(expected_json)));
    CHECK(str_eq(text, expected_json));
    text = (const char *)mw_event_payload_raw(event, &len);
    CHECK(bytes_eq(text, len, cbor_payload, sizeof cbor_payload));
    mw_event_free(event);
    end_group("mw_event_decode of a CBOR record converts the payload");
}

static void test_system_record(void) {
    static const unsigned char system_envelope[] = {0x00};
    static const unsigned char last_system_envelope[] = {0x7F};
    mw_event *event = (mw_event *)1;
    mw_error *error = (mw_error *)1;

    begin_group();
    CHECK(mw_event_decode(system_envelope, 1, NULL, 0, 0, &event, &error) == MW_OK);
    CHECK(event == NULL);
    CHECK(error == NULL);
    event = (mw_event *)1;
    CHECK(mw_event_decode(last_system_envelope, 1, "junk", 4, 0, &event, NULL) == MW_OK);
    CHECK(event == NULL);
    end_group("system record gives MW_OK and a NULL event");
}

/* Decodes a record that must fail with `expected` and checks the error. */
static void check_decode_error(const void *envelope, size_t envelope_len, const void *value, size_t value_len,
                               mw_status expected) {
    mw_event *event = (mw_event *)1;
    mw_error *error = NULL;
    mw_status status = mw_event_decode(envelope, envelope_len, value, value_len, 0, &event, &error);
    const char *message;

    CHECK(status == expected);
    CHECK(event == NULL);
    CHECK(error != NULL);
    if (error == NULL) {
        return;
    }
    CHECK(mw_error_code(error) == expected);
    message = mw_error_message(error);
    CHECK(message != NULL);
    CHECK(message == NULL || message[0] != '\0');
    CHECK(message == NULL || strchr(message, '\n') == NULL);
    CHECK(str_eq(mw_error_topic(error), ""));
    CHECK(mw_error_partition(error) == -1);
    CHECK(mw_error_offset(error) == -1);
    mw_error_free(error);

    /* The same failure without an out_error. */
    event = (mw_event *)1;
    CHECK(mw_event_decode(envelope, envelope_len, value, value_len, 0, &event, NULL) == expected);
    CHECK(event == NULL);
}

static void test_decode_errors(void) {
    static const unsigned char two_bytes[] = {0x80, 0x80};
    static const unsigned char newer[] = {0x81};
    static const unsigned char newest[] = {0xFF};
    static const unsigned char bad_method[] = {0x0C, 0x00, 0x04, '{', '}', 0x00};
    static const unsigned char trailing[] = {0x04, 0x00, 0x04, '{', '}', 0x00, 0x00};
    static const unsigned char bad_utf8_name[] = {0x04, 0x02, 0x02, 0xFF, 0x00, 0x00, 0x04, '{', '}', 0x00};
    static const unsigned char bad_json[] = {0x04, 0x00, 0x04, '{', ',', 0x00};
    static const unsigned char bad_cbor[] = {0x04, 0x00, 0x02, 0xFF, 0x02};
    buffer record = make_record(MW_METHOD_POST, json_payload, strlen(json_payload), MW_ENCODING_JSON);

    begin_group();
    check_decode_error(NULL, 0, record.data, record.len, MW_ERR_MALFORMED_MESSAGE);
    check_decode_error(envelope_v1, 0, record.data, record.len, MW_ERR_MALFORMED_MESSAGE);
    check_decode_error(two_bytes, 2, record.data, record.len, MW_ERR_MALFORMED_MESSAGE);
    end_group("MW_ERR_MALFORMED_MESSAGE: missing, empty or long envelope header");

    begin_group();
    check_decode_error(newer, 1, record.data, record.len, MW_ERR_UNSUPPORTED_ENVELOPE);
    check_decode_error(newest, 1, record.data, record.len, MW_ERR_UNSUPPORTED_ENVELOPE);
    end_group("MW_ERR_UNSUPPORTED_ENVELOPE: envelope 0x81 and 0xFF");

    begin_group();
    check_decode_error(envelope_v1, 1, NULL, 0, MW_ERR_ENVELOPE_DECODE);
    check_decode_error(envelope_v1, 1, record.data, record.len - 1, MW_ERR_ENVELOPE_DECODE);
    check_decode_error(envelope_v1, 1, bad_method, sizeof bad_method, MW_ERR_ENVELOPE_DECODE);
    check_decode_error(envelope_v1, 1, trailing, sizeof trailing, MW_ERR_ENVELOPE_DECODE);
    check_decode_error(envelope_v1, 1, bad_utf8_name, sizeof bad_utf8_name, MW_ERR_ENVELOPE_DECODE);
    end_group("MW_ERR_ENVELOPE_DECODE: null, truncated, bad enum, trailing bytes, invalid UTF-8");

    begin_group();
    check_decode_error(envelope_v1, 1, bad_json, sizeof bad_json, MW_ERR_PAYLOAD_DECODE);
    check_decode_error(envelope_v1, 1, bad_cbor, sizeof bad_cbor, MW_ERR_PAYLOAD_DECODE);
    end_group("MW_ERR_PAYLOAD_DECODE: invalid JSON and CBOR");
}

static void test_invalid_argument(void) {
    buffer record = make_record(MW_METHOD_POST, json_payload, strlen(json_payload), MW_ENCODING_JSON);
    mw_error *error = NULL;

    begin_group();
    CHECK(mw_event_decode(envelope_v1, 1, record.data, record.len, 0, NULL, &error) == MW_ERR_INVALID_ARGUMENT);
    CHECK(error != NULL);
    if (error != NULL) {
        CHECK(mw_error_code(error) == MW_ERR_INVALID_ARGUMENT);
        CHECK(mw_error_message(error) != NULL);
        CHECK(mw_error_message(error) == NULL || strstr(mw_error_message(error), "out_event") != NULL);
        CHECK(mw_error_topic(error) == NULL);
        CHECK(mw_error_partition(error) == -1);
        CHECK(mw_error_offset(error) == -1);
    }
    mw_error_free(error);
    CHECK(mw_event_decode(envelope_v1, 1, record.data, record.len, 0, NULL, NULL) == MW_ERR_INVALID_ARGUMENT);
    end_group("NULL out_event gives MW_ERR_INVALID_ARGUMENT");
}

static void test_copy(void) {
    buffer record = make_record(MW_METHOD_PUT, json_payload, strlen(json_payload), MW_ENCODING_JSON);
    mw_event *event = NULL;
    mw_event *copy;
    size_t len;
    const char *text;

    begin_group();
    CHECK(mw_event_decode(envelope_v1, 1, record.data, record.len, 77, &event, NULL) == MW_OK);
    if (event == NULL) {
        end_group("mw_event_copy outlives the original");
        return;
    }
    copy = mw_event_copy(event);
    CHECK(copy != NULL);
    CHECK(copy != event);
    mw_event_free(event);
    if (copy == NULL) {
        end_group("mw_event_copy outlives the original");
        return;
    }
    CHECK(mw_event_method(copy) == MW_METHOD_PUT);
    CHECK(mw_event_encoding(copy) == MW_ENCODING_JSON);
    CHECK(mw_event_timestamp_ms(copy) == 77);
    CHECK(mw_event_header_count(copy) == 3);
    CHECK(str_eq(mw_event_header_name(copy, 1, NULL), "X-Multi"));
    text = mw_event_header_value(copy, 1, 2, &len);
    CHECK(bytes_eq(text, len, "x\0y", 3));
    CHECK(str_eq(mw_event_payload_json(copy, NULL), json_payload));
    CHECK(str_eq(mw_event_topic(copy), ""));
    CHECK(mw_event_partition(copy) == -1);
    CHECK(mw_event_offset(copy) == -1);
    CHECK(mw_event_key(copy, NULL) == NULL);
    CHECK(mw_event_copy(NULL) == NULL);
    mw_event_free(copy);
    end_group("mw_event_copy outlives the original");
}

static void test_null_frees(void) {
    begin_group();
    mw_event_free(NULL);
    mw_error_free(NULL);
    CHECK(1);
    end_group("mw_event_free and mw_error_free accept NULL");
}

int main(void) {
    test_version();
    test_status_names();
    test_method_and_encoding_names();
    test_decode_json_event();
    test_headers_json();
    test_out_of_range_indexes();
    test_decode_cbor_event();
    test_system_record();
    test_decode_errors();
    test_invalid_argument();
    test_copy();
    test_null_frees();

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
