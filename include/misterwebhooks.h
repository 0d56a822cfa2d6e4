/*
 * misterwebhooks.h - C interface of libmisterwebhooks, the Mister Webhooks
 * consumer.
 *
 * Mister Webhooks stores every HTTP webhook it receives for a customer as a
 * record in a Kafka topic. This library reads such a topic with librdkafka,
 * decodes each record (a one-byte `envelope` header and an Avro
 * `KafkaMessageEnvelopeV1` value) and hands each webhook event to a callback,
 * committing offsets only for events the callback accepted.
 *
 * Conventions used throughout:
 *
 * - Every function that can fail returns an ::mw_status and takes
 *   `mw_error **out_error` as its last parameter. NULL is accepted there.
 *   Otherwise `*out_error` is set to a new ::mw_error on failure, which the
 *   caller frees with mw_error_free(), and to NULL on success.
 * - Inputs come first, then outputs, then `out_error`.
 * - Every object returned through an `out_` parameter is owned by the caller
 *   and has exactly one `_free` function. Every `_free` function accepts NULL.
 * - Pointers returned by accessors are borrowed: they stay valid as long as
 *   the object they came from and must not be freed.
 * - Strings with an explicit length may contain NUL bytes. They are also
 *   NUL-terminated, so text known to contain no NUL can be used as a C string.
 * - Unless its documentation states otherwise, a function may be called
 *   from any thread, and distinct objects may be used from distinct threads
 *   at the same time. One object must not be used from two threads at once,
 *   except where noted.
 */
#ifndef MISTERWEBHOOKS_H
#define MISTERWEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MARK: - Version */

/** Major version of this header. Incremented on incompatible ABI changes. */
#define MW_VERSION_MAJOR 0
/** Minor version of this header. Incremented when functions are added. */
#define MW_VERSION_MINOR 1
/** Patch version of this header. */
#define MW_VERSION_PATCH 0

/**
 * Returns the library's version as "MAJOR.MINOR.PATCH", for example "0.1.0".
 *
 * Compare it with the MW_VERSION_* macros to detect a header and library
 * mismatch. The string is static and never freed.
 */
const char *mw_version(void);

/* MARK: - Status codes and errors */

/** Result of every fallible function. */
typedef enum {
    /** Success. */
    MW_OK = 0,
    /** A required pointer was NULL, a value was out of range, or the call is
     *  not allowed in the object's current state. */
    MW_ERR_INVALID_ARGUMENT = 1,
    /** A file could not be opened or read. */
    MW_ERR_IO = 2,
    /** The connection profile is invalid: not JSON, or a field is missing,
     *  of the wrong type or has an unsupported value. */
    MW_ERR_PROFILE = 3,
    /** Kafka failed: an invalid option, a broker that stays unreachable, a
     *  topic that does not exist or is not authorized, a fatal client error,
     *  or a final offset commit that failed. */
    MW_ERR_KAFKA = 4,
    /** The brokers rejected the profile's credentials (SASL). */
    MW_ERR_AUTHENTICATION = 5,
    /** The record has no valid `envelope` header: the first one is missing,
     *  null, or not exactly one byte long. */
    MW_ERR_MALFORMED_MESSAGE = 10,
    /** The record's envelope is 0x81-0xFF, a format newer than this library:
     *  upgrade libmisterwebhooks. */
    MW_ERR_UNSUPPORTED_ENVELOPE = 11,
    /** The record value is not a valid Avro `KafkaMessageEnvelopeV1`. */
    MW_ERR_ENVELOPE_DECODE = 12,
    /** The webhook payload is not valid JSON or CBOR. */
    MW_ERR_PAYLOAD_DECODE = 13,
    /** The event handler returned non-zero. */
    MW_ERR_HANDLER = 20
} mw_status;

/**
 * An error: a status code, a message, and for errors about one Kafka record
 * the record's topic, partition and offset.
 *
 * Created by the library, owned by the caller, freed with mw_error_free().
 */
typedef struct mw_error mw_error;

/** Returns the error's status code (never ::MW_OK), or
 *  ::MW_ERR_INVALID_ARGUMENT for a NULL error. */
mw_status mw_error_code(const mw_error *error);

/**
 * Returns the error's message: one line of valid UTF-8 that names the value
 * at fault and, where there is one, the fix. Bytes from the input that are
 * not valid UTF-8 appear escaped as `\xNN`.
 *
 * The string lives as long as the error. NULL for a NULL error.
 */
const char *mw_error_message(const mw_error *error);

/**
 * Returns the topic of the record the error is about, or NULL when the error
 * is not about a record. An error from mw_event_decode() returns "" here
 * because the record's topic is not known to the library.
 *
 * The string lives as long as the error.
 */
const char *mw_error_topic(const mw_error *error);

/** Returns the partition of the record the error is about, or -1. */
int32_t mw_error_partition(const mw_error *error);

/** Returns the offset of the record the error is about, or -1. */
int64_t mw_error_offset(const mw_error *error);

/** Frees an error. NULL is accepted. */
void mw_error_free(mw_error *error);

/**
 * Returns the name of a status code, such as "MW_ERR_KAFKA", or
 * "MW_ERR_UNKNOWN" for a value that is not an ::mw_status. Static string.
 */
const char *mw_status_name(mw_status status);

/* MARK: - Events */

/** HTTP method of a webhook request. The values are the Avro enum indexes. */
typedef enum {
    MW_METHOD_GET = 0,
    MW_METHOD_HEAD = 1,
    MW_METHOD_POST = 2,
    MW_METHOD_PUT = 3,
    MW_METHOD_DELETE = 4,
    MW_METHOD_PATCH = 5
} mw_http_method;

/**
 * Returns the method's Avro symbol, "GET" to "PATCH", or NULL for a value
 * that is not an ::mw_http_method. Static string.
 */
const char *mw_http_method_name(mw_http_method method);

/** Encoding of a webhook payload as received. */
typedef enum {
    MW_ENCODING_JSON = 0,
    MW_ENCODING_CBOR = 1
} mw_payload_encoding;

/**
 * Returns "JSON" or "CBOR", or NULL for a value that is not an
 * ::mw_payload_encoding. Static string.
 */
const char *mw_payload_encoding_name(mw_payload_encoding encoding);

/**
 * One webhook event: the HTTP request Mister Webhooks received, and the Kafka
 * record it arrived in.
 *
 * An event passed to an ::mw_event_handler is borrowed: it lives only until
 * the handler returns, and must not be freed. Keep it longer with
 * mw_event_copy(). Events from mw_event_decode() and mw_event_copy() are
 * owned by the caller and freed with mw_event_free().
 *
 * An event is immutable, so one event may be read from several threads at
 * once. Every accessor below accepts a NULL event and then returns 0, -1 for
 * the partition and offset, or NULL for pointers, with `*len` set to 0.
 */
typedef struct mw_event mw_event;

/**
 * Decodes one Kafka record, for applications that run their own Kafka client.
 *
 * @param envelope     value of the record's first header named `envelope`,
 *                     or NULL when there is no such header or its value is
 *                     null.
 * @param envelope_len its length in bytes.
 * @param value        the record value, or NULL for a null value.
 * @param value_len    its length in bytes.
 * @param timestamp_ms the record timestamp in milliseconds since the Unix
 *                     epoch, returned by mw_event_timestamp_ms().
 * @param out_event    set to the new event, or to NULL for a system record
 *                     (envelope 0x00-0x7F), which applications skip.
 * @param out_error    see the conventions at the top of this file.
 *
 * @returns ::MW_OK for an event or a system record;
 *          ::MW_ERR_MALFORMED_MESSAGE, ::MW_ERR_UNSUPPORTED_ENVELOPE,
 *          ::MW_ERR_ENVELOPE_DECODE or ::MW_ERR_PAYLOAD_DECODE for a record
 *          that cannot be decoded, with `*out_event` set to NULL;
 *          ::MW_ERR_INVALID_ARGUMENT when `out_event` is NULL.
 *
 * The event has topic "", partition -1, offset -1 and a null key. The inputs
 * are copied, so the caller may free them as soon as this returns.
 */
mw_status mw_event_decode(const void *envelope, size_t envelope_len,
                          const void *value, size_t value_len,
                          int64_t timestamp_ms,
                          mw_event **out_event, mw_error **out_error);

/** Returns the HTTP method of the webhook request. */
mw_http_method mw_event_method(const mw_event *event);

/** Returns the encoding the payload was received in. */
mw_payload_encoding mw_event_encoding(const mw_event *event);

/** Returns the Kafka record timestamp, in milliseconds since the Unix epoch. */
int64_t mw_event_timestamp_ms(const mw_event *event);

/**
 * Returns the number of HTTP header entries. Entries keep the order of the
 * request, and a name that occurs in several entries is kept in each.
 */
size_t mw_event_header_count(const mw_event *event);

/**
 * Returns the name of header entry `index` and stores its length in bytes in
 * `*len` (when `len` is not NULL). Returns NULL when `index` is out of range.
 */
const char *mw_event_header_name(const mw_event *event, size_t index, size_t *len);

/**
 * Returns the number of values of header entry `index` (which may be 0), or
 * 0 when `index` is out of range.
 */
size_t mw_event_header_value_count(const mw_event *event, size_t index);

/**
 * Returns value `value_index` of header entry `index` and stores its length
 * in bytes in `*len` (when `len` is not NULL). Returns NULL when either index
 * is out of range.
 */
const char *mw_event_header_value(const mw_event *event, size_t index,
                                  size_t value_index, size_t *len);

/**
 * Writes the header entries as one line of JSON, an array of
 * `["name", ["value", ...]]` pairs in wire order, for bindings that parse
 * JSON faster than they call functions. Works like snprintf(): writes at most
 * `capacity - 1` bytes and a NUL to `buffer` (nothing when `capacity` is 0),
 * and returns the length of the whole text without the NUL, so a return
 * value below `capacity` means the text is complete. Header text is valid
 * UTF-8, and NUL bytes in it are escaped as \u0000, so nothing is lost.
 */
size_t mw_event_headers_json(const mw_event *event, char *buffer, size_t capacity);

/**
 * Returns the payload as JSON text and stores its length in bytes in `*len`
 * (when `len` is not NULL).
 *
 * A JSON payload is returned as received, without a leading byte order mark.
 * A CBOR payload is converted: byte strings become unpadded base64url
 * strings, bignums exact integers, NaN, infinities, `undefined` and other
 * simple values `null`, and number, boolean and null map keys their JSON
 * text. Never NULL for an event.
 */
const char *mw_event_payload_json(const mw_event *event, size_t *len);

/**
 * Returns the payload bytes as received (JSON text or CBOR) and stores their
 * length in `*len` (when `len` is not NULL). Never NULL for an event.
 */
const void *mw_event_payload_raw(const mw_event *event, size_t *len);

/** Returns the Kafka topic the record was read from, "" for a decoded one. */
const char *mw_event_topic(const mw_event *event);

/** Returns the Kafka partition of the record, -1 for a decoded one. */
int32_t mw_event_partition(const mw_event *event);

/** Returns the Kafka offset of the record, -1 for a decoded one. */
int64_t mw_event_offset(const mw_event *event);

/**
 * Returns the Kafka record key and stores its length in `*len` (when `len` is
 * not NULL), or returns NULL for a null key, with `*len` set to 0.
 */
const void *mw_event_key(const mw_event *event, size_t *len);

/**
 * Returns a copy of an event that the caller owns and frees with
 * mw_event_free(), or NULL when out of memory or `event` is NULL.
 */
mw_event *mw_event_copy(const mw_event *event);

/**
 * Frees an event returned by mw_event_decode() or mw_event_copy(). NULL is
 * accepted. Never pass it an event borrowed by a handler: the library cannot
 * detect that, and the process would later crash.
 */
void mw_event_free(mw_event *event);

/* MARK: - Connection profiles */

/**
 * A connection profile: the consumer name, credentials and Kafka bootstrap
 * servers that Mister Webhooks issues to a customer as a JSON file.
 *
 * Accepted JSON shapes:
 *
 *     {"consumer_name": "...",
 *      "auth": {"mechanism": "plain", "secret": "..."},
 *      "kafka": {"bootstrap": "host:port"}}
 *
 * with `"kafka": {"servers": ["host:port", ...]}` in place of `bootstrap`,
 * and optionally `kafka.security_protocol` ("SASL_SSL", the default,
 * "SASL_PLAINTEXT", "SSL" or "PLAINTEXT") and `kafka.ssl_ca_location` (a PEM
 * file of CA certificates). Without `ssl_ca_location`, TLS connections trust
 * only the Mister Webhooks broker CA built into the library, not the system's
 * CA store. `auth` may be omitted only with "SSL" and "PLAINTEXT".
 *
 * Owned by the caller, freed with mw_profile_free(). Immutable, so it may be
 * read from several threads at once. The accessors return NULL for a NULL
 * profile, and their strings live as long as the profile.
 */
typedef struct mw_profile mw_profile;

/**
 * Loads a connection profile from the JSON file at `path`.
 *
 * @returns ::MW_OK; ::MW_ERR_IO when the file cannot be read;
 *          ::MW_ERR_PROFILE when it is not a valid profile, with a message
 *          naming the file and the field; ::MW_ERR_INVALID_ARGUMENT when
 *          `path` or `out_profile` is NULL.
 *          The secret never appears in an error message.
 */
mw_status mw_profile_load(const char *path, mw_profile **out_profile,
                          mw_error **out_error);

/**
 * Parses a connection profile from `len` bytes of JSON text. Errors are those
 * of mw_profile_load() except ::MW_ERR_IO.
 */
mw_status mw_profile_parse(const char *json, size_t len,
                           mw_profile **out_profile, mw_error **out_error);

/** Returns the consumer name, also the Kafka consumer group and SASL user. */
const char *mw_profile_consumer_name(const mw_profile *profile);

/** Returns the SASL mechanism ("plain"), or NULL when the profile has no auth. */
const char *mw_profile_auth_mechanism(const mw_profile *profile);

/** Returns the SASL secret, or NULL when the profile has no auth. */
const char *mw_profile_auth_secret(const mw_profile *profile);

/** Returns the bootstrap servers, comma-separated when there are several. */
const char *mw_profile_kafka_bootstrap(const mw_profile *profile);

/** Returns the security protocol: "SASL_SSL", "SASL_PLAINTEXT", "SSL" or
 *  "PLAINTEXT". */
const char *mw_profile_security_protocol(const mw_profile *profile);

/** Returns the CA file path from `kafka.ssl_ca_location`, or NULL when unset. */
const char *mw_profile_ssl_ca_location(const mw_profile *profile);

/** Frees a profile. NULL is accepted. */
void mw_profile_free(mw_profile *profile);

/* MARK: - Consumer */

/**
 * A Kafka consumer of one Mister Webhooks topic, in the consumer group named
 * by its profile.
 *
 * Owned by the caller, freed with mw_consumer_free(). mw_consumer_stop() may
 * be called from any thread or from a signal handler; every other function
 * must not be called while mw_consumer_run() runs on another thread.
 */
typedef struct mw_consumer mw_consumer;

/**
 * Receives one webhook event. It runs on the thread that called
 * mw_consumer_run(), and `event` is borrowed until it returns.
 *
 * Return 0 to accept the event: its offset is then stored and committed.
 * Return any other value to stop the run: the event's offset is not stored,
 * so the event is delivered again to the next consumer of the group, and
 * mw_consumer_run() returns ::MW_ERR_HANDLER.
 *
 * The handler may call mw_consumer_stop(); the run then ends after this
 * event, which counts as accepted when the handler returns 0.
 */
typedef int (*mw_event_handler)(const mw_event *event, void *user_data);

/**
 * Creates a consumer of `topic` with the settings of `profile`, which is
 * copied, so it may be freed as soon as this returns. Nothing connects
 * before mw_consumer_run(). A consumer group without committed offsets
 * starts at the earliest record of each partition ("auto.offset.reset" is
 * "earliest").
 *
 * @returns ::MW_OK; ::MW_ERR_INVALID_ARGUMENT for a NULL or empty argument;
 *          ::MW_ERR_KAFKA when librdkafka rejects the configuration, for
 *          example a CA file that cannot be loaded.
 */
mw_status mw_consumer_new(const char *topic, const mw_profile *profile,
                          mw_consumer **out_consumer, mw_error **out_error);

/**
 * Sets a configuration property before mw_consumer_run().
 *
 * Keys starting with "mw." belong to this library:
 *
 * - "mw.broker.timeout.ms": how long, in milliseconds, mw_consumer_run()
 *   waits while no broker can be reached or the brokers' TLS certificates
 *   fail verification, before it returns ::MW_ERR_KAFKA. Default 30000.
 * - "mw.commit.timeout.ms": how long, in milliseconds, the final commit
 *   when a run ends may take, retries included, before the run returns
 *   ::MW_ERR_KAFKA. Default 10000. Leaving the consumer group afterwards
 *   may take as long again. Past that, the consumer closes without leaving,
 *   and the group reassigns its partitions after session.timeout.ms. A run
 *   so returns about twice this time after mw_consumer_stop() at most, plus
 *   the time the handler takes for the event it is handling. When brokers
 *   stop responding, destroying the librdkafka client also waits for the
 *   requests in flight to the group coordinator to time out. That takes up
 *   to socket.timeout.ms (librdkafka's default: 60000), so set it lower to
 *   bound such a stop more tightly.
 * - "mw.poll.interval.ms": the longest time, in milliseconds, between checks
 *   of mw_consumer_stop() while no records arrive. Default 100.
 *
 * Every other key is passed to librdkafka (see its CONFIGURATION.md), for
 * example "session.timeout.ms". Keys the library manages itself
 * ("enable.auto.offset.store", "enable.auto.commit", "group.id" and the
 * callbacks) can be set, but changing them breaks the commit rules above.
 *
 * @returns ::MW_OK; ::MW_ERR_INVALID_ARGUMENT for a NULL argument, while the
 *          consumer runs, or for an "mw." key that is unknown or whose value
 *          is not a positive integer; ::MW_ERR_KAFKA for a key or value that
 *          librdkafka rejects, with librdkafka's reason.
 */
mw_status mw_consumer_set_option(mw_consumer *consumer, const char *key,
                                 const char *value, mw_error **out_error);

/**
 * Consumes the topic, calling `handler` once for each webhook event, until
 * mw_consumer_stop() is called, the handler returns non-zero, a record cannot
 * be decoded, or Kafka fails in a way that does not heal.
 *
 * Offsets follow at-least-once rules: an event's offset is stored only after
 * the handler returned 0, and stored offsets are committed in the background,
 * before partitions are revoked in a rebalance, and when the run ends.
 * System records are skipped and count as handled. When a record cannot be
 * decoded, nothing is stored for it or after it in its partition.
 *
 * Blocks the calling thread. Each run joins the consumer group and leaves it
 * when it returns, so a consumer can run again after a run ended.
 * mw_consumer_stop() called before a run makes that run return ::MW_OK at
 * once.
 *
 * @returns ::MW_OK after mw_consumer_stop();
 *          ::MW_ERR_HANDLER when the handler returned non-zero;
 *          ::MW_ERR_MALFORMED_MESSAGE, ::MW_ERR_UNSUPPORTED_ENVELOPE,
 *          ::MW_ERR_ENVELOPE_DECODE or ::MW_ERR_PAYLOAD_DECODE for a record
 *          that cannot be decoded;
 *          ::MW_ERR_AUTHENTICATION when the brokers reject the credentials;
 *          ::MW_ERR_KAFKA when the topic does not exist or is not
 *          authorized, brokers stay unreachable for "mw.broker.timeout.ms",
 *          librdkafka raises a fatal error, or the final commit fails (the
 *          message then states that records after the last committed offset
 *          will be delivered again);
 *          ::MW_ERR_INVALID_ARGUMENT for a NULL consumer or handler, or when
 *          the consumer already runs on another thread.
 *          Errors about a record carry its topic, partition and offset.
 */
mw_status mw_consumer_run(mw_consumer *consumer, mw_event_handler handler,
                          void *user_data, mw_error **out_error);

/**
 * Asks mw_consumer_run() to return: the run finishes the current event,
 * commits and returns ::MW_OK, within "mw.poll.interval.ms" when it is
 * waiting for records.
 *
 * Performs one atomic store, so it may be called from any thread, from the
 * handler, and from a signal handler. A NULL consumer is ignored.
 */
void mw_consumer_stop(mw_consumer *consumer);

/**
 * Frees a consumer. NULL is accepted. Freeing a consumer while
 * mw_consumer_run() runs, from another thread or from the handler, stops the
 * run: it commits, returns ::MW_OK, and the memory is released then. The
 * handle must not be used after this call, mw_consumer_stop() included, and a
 * run must not start on it concurrently with this call.
 */
void mw_consumer_free(mw_consumer *consumer);

/* MARK: - Logging */

/** Severity of a log message, with syslog's numbers as librdkafka uses. */
typedef enum {
    MW_LOG_ERROR = 3,
    MW_LOG_WARNING = 4,
    MW_LOG_INFO = 6,
    MW_LOG_DEBUG = 7
} mw_log_level;

/**
 * Receives one log message: one line of UTF-8 without a trailing newline,
 * borrowed for the duration of the call.
 *
 * Called from librdkafka's internal threads as well as the thread running
 * mw_consumer_run(), possibly from several at once, so it must be
 * thread-safe. It must not call back into the library.
 */
typedef void (*mw_log_handler)(mw_log_level level, const char *message,
                               void *user_data);

/**
 * Sets the process-wide log handler and the most verbose level it receives.
 * A NULL handler restores the default, which writes warnings and errors to
 * stderr. Takes effect for consumers created afterwards as well as running
 * ones. Log messages never contain the SASL secret.
 */
void mw_set_log_handler(mw_log_handler handler, void *user_data,
                        mw_log_level max_level);

#ifdef __cplusplus
}
#endif

#endif /* MISTERWEBHOOKS_H */
