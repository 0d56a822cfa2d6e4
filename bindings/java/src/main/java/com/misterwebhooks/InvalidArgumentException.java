package com.misterwebhooks;

/**
 * An invalid argument, or a call not allowed in the object's current state
 * ({@code MW_ERR_INVALID_ARGUMENT}), such as {@code run} on a closed consumer.
 */
public class InvalidArgumentException extends MisterWebhooksException {
    private static final long serialVersionUID = 1L;

    InvalidArgumentException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
