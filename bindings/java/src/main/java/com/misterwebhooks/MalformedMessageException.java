package com.misterwebhooks;

/**
 * The record has no valid {@code envelope} header: the first one is
 * missing, null, or not exactly one byte long ({@code MW_ERR_MALFORMED_MESSAGE}).
 */
public class MalformedMessageException extends RecordException {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
