package com.misterwebhooks;

/**
 * A file, such as a connection profile, could not be opened or read
 * ({@code MW_ERR_IO}).
 */
public class FileReadException extends MisterWebhooksException {
    private static final long serialVersionUID = 1L;

    FileReadException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
