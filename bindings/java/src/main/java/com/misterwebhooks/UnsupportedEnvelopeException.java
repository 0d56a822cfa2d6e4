package com.misterwebhooks;

/**
 * The record's envelope (0x81-0xFF) is a format newer than
 * libmisterwebhooks, so the library must be upgraded
 * ({@code MW_ERR_UNSUPPORTED_ENVELOPE}).
 */
public class UnsupportedEnvelopeException extends RecordException {
    private static final long serialVersionUID = 1L;

    UnsupportedEnvelopeException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
