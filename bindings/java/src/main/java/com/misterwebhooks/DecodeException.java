package com.misterwebhooks;

/**
 * Base class of the errors about a record whose envelope is supported but
 * whose content is invalid.
 */
public class DecodeException extends RecordException {
    private static final long serialVersionUID = 1L;

    DecodeException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
