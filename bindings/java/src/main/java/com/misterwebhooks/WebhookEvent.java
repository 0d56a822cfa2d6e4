package com.misterwebhooks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One webhook event: the HTTP request Mister Webhooks received, and the Kafka
 * record it arrived in.
 *
 * <p>Immutable and a copy of the library's event, so it stays valid after the
 * handler returns and may be shared between threads. Events from
 * {@link MisterWebhooks#decode} have topic "", partition -1, offset -1 and a
 * null key.
 */
public final class WebhookEvent {
    private final HttpMethod method;
    private final PayloadEncoding encoding;
    private final long timestampMs;
    private final List<Map.Entry<String, List<String>>> headers;
    private final Map<String, List<String>> headerMap;
    private final String payloadJson;
    private final byte[] payloadBytes;
    private final String topic;
    private final int partition;
    private final long offset;
    private final byte[] key;

    WebhookEvent(HttpMethod method, PayloadEncoding encoding, long timestampMs,
                 List<Map.Entry<String, List<String>>> headers, String payloadJson, byte[] payloadBytes,
                 String topic, int partition, long offset, byte[] key) {
        this.method = Objects.requireNonNull(method);
        this.encoding = Objects.requireNonNull(encoding);
        this.timestampMs = timestampMs;
        this.headers = List.copyOf(headers);
        this.headerMap = mergeHeaders(this.headers);
        this.payloadJson = Objects.requireNonNull(payloadJson);
        this.payloadBytes = payloadBytes.clone();
        this.topic = Objects.requireNonNull(topic);
        this.partition = partition;
        this.offset = offset;
        this.key = key == null ? null : key.clone();
    }

    private static Map<String, List<String>> mergeHeaders(List<Map.Entry<String, List<String>>> headers) {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : headers) {
            merged.computeIfAbsent(entry.getKey(), name -> new ArrayList<>()).addAll(entry.getValue());
        }
        merged.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(merged);
    }

    /** Returns the HTTP method of the webhook request. */
    public HttpMethod method() {
        return method;
    }

    /** Returns the encoding the payload was received in. */
    public PayloadEncoding encoding() {
        return encoding;
    }

    /** Returns the Kafka record timestamp, in milliseconds since the Unix epoch. */
    public long timestampMs() {
        return timestampMs;
    }

    /** Returns the Kafka record timestamp as an instant. */
    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMs);
    }

    /**
     * Returns the HTTP header entries in the order of the request. A name
     * that occurs in several entries is kept in each, and an entry may have
     * no values. The list and its entries are unmodifiable.
     */
    public List<Map.Entry<String, List<String>>> headers() {
        return headers;
    }

    /**
     * Returns the headers by name, with the values of entries that repeat a
     * name joined in wire order. Names keep the spelling of the request, so
     * lookups are case-sensitive. Use {@link #headerValues(String)} for
     * HTTP's case-insensitive names. Iterates in the order names first occur.
     */
    public Map<String, List<String>> headerMap() {
        return headerMap;
    }

    /**
     * Returns the values of every header entry whose name equals
     * {@code name} ignoring case ({@link String#equalsIgnoreCase}), in wire
     * order, or an empty list.
     */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : headers) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                values.addAll(entry.getValue());
            }
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * Returns the payload as JSON text. A JSON payload is returned as
     * received, without a leading byte order mark. A CBOR payload is
     * converted to JSON by libmisterwebhooks.
     */
    public String payloadJson() {
        return payloadJson;
    }

    /** Returns a copy of the payload bytes as received, JSON text or CBOR. */
    public byte[] payloadBytes() {
        return payloadBytes.clone();
    }

    /** Returns the Kafka topic the record was read from, or "" for a decoded record. */
    public String topic() {
        return topic;
    }

    /** Returns the Kafka partition of the record, or -1 for a decoded record. */
    public int partition() {
        return partition;
    }

    /** Returns the Kafka offset of the record, or -1 for a decoded record. */
    public long offset() {
        return offset;
    }

    /** Returns a copy of the Kafka record key, or null for a null key. */
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof WebhookEvent)) {
            return false;
        }
        WebhookEvent event = (WebhookEvent) other;
        return method == event.method && encoding == event.encoding && timestampMs == event.timestampMs
                && headers.equals(event.headers) && payloadJson.equals(event.payloadJson)
                && Arrays.equals(payloadBytes, event.payloadBytes) && topic.equals(event.topic)
                && partition == event.partition && offset == event.offset && Arrays.equals(key, event.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, encoding, timestampMs, headers, payloadJson, topic, partition, offset)
                ^ Arrays.hashCode(key);
    }

    /** Returns a one-line summary with the record's coordinates, not the payload. */
    @Override
    public String toString() {
        return "WebhookEvent[" + method + " " + encoding + ", " + headers.size() + " header entries, "
                + payloadJson.length() + " characters of JSON, topic " + LibraryLoader.quote(topic)
                + " partition " + partition + " offset " + offset + ", timestamp " + timestamp() + "]";
    }
}
