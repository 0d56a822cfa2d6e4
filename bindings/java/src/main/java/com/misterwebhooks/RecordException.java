package com.misterwebhooks;

/**
 * Base class of the errors about one Kafka record that cannot be decoded.
 * {@link #topic()}, {@link #partition()} and {@link #offset()} locate the
 * record. A run that throws one committed nothing for that record or after
 * it in its partition.
 */
public class RecordException extends MisterWebhooksException {
    private static final long serialVersionUID = 1L;

    RecordException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
