package com.misterwebhooks;

/**
 * Base class of every exception thrown by this binding for a failed
 * libmisterwebhooks call: a {@link Status}, the library's message, and for
 * errors about one Kafka record the record's topic, partition and offset.
 *
 * <p>Each status maps to one subclass, created by
 * {@link #forStatus(int, String, String, int, long, Throwable)}. Like the
 * exceptions of the Apache Kafka Java client, these are unchecked.
 */
public class MisterWebhooksException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;
    private final int statusCode;
    private final String topic;
    private final int partition;
    private final long offset;

    MisterWebhooksException(Status status, int statusCode, String message, String topic, int partition, long offset,
                            Throwable cause) {
        super(message, cause);
        this.status = status;
        this.statusCode = statusCode;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** Returns the status, or {@link Status#UNKNOWN} for a code this binding does not know. */
    public Status status() {
        return status;
    }

    /** Returns the numeric {@code mw_status} value as the library returned it. */
    public int statusCode() {
        return statusCode;
    }

    /**
     * Returns the topic of the record this error is about, or null when it is
     * not about a record. Errors from {@link MisterWebhooks#decode} have the
     * topic "" because the library does not know it.
     */
    public String topic() {
        return topic;
    }

    /** Returns the partition of the record this error is about, or -1. */
    public int partition() {
        return partition;
    }

    /** Returns the offset of the record this error is about, or -1. */
    public long offset() {
        return offset;
    }

    /**
     * Creates the exception for status {@code code}. A code this binding does
     * not know gives a plain {@code MisterWebhooksException} with status
     * {@link Status#UNKNOWN}.
     */
    static MisterWebhooksException forStatus(int code, String message, String topic, int partition, long offset,
                                             Throwable cause) {
        Status status = Status.fromCode(code);
        switch (status) {
            case INVALID_ARGUMENT:
                return new InvalidArgumentException(status, code, message, topic, partition, offset, cause);
            case IO:
                return new FileReadException(status, code, message, topic, partition, offset, cause);
            case PROFILE:
                return new ProfileException(status, code, message, topic, partition, offset, cause);
            case KAFKA:
                return new KafkaException(status, code, message, topic, partition, offset, cause);
            case AUTHENTICATION:
                return new AuthenticationException(status, code, message, topic, partition, offset, cause);
            case MALFORMED_MESSAGE:
                return new MalformedMessageException(status, code, message, topic, partition, offset, cause);
            case UNSUPPORTED_ENVELOPE:
                return new UnsupportedEnvelopeException(status, code, message, topic, partition, offset, cause);
            case ENVELOPE_DECODE:
                return new EnvelopeDecodeException(status, code, message, topic, partition, offset, cause);
            case PAYLOAD_DECODE:
                return new PayloadDecodeException(status, code, message, topic, partition, offset, cause);
            case HANDLER:
                return new HandlerException(status, code, message, topic, partition, offset, cause);
            default:
                return new MisterWebhooksException(status, code, message, topic, partition, offset, cause);
        }
    }
}
