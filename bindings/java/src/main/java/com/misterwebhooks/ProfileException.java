package com.misterwebhooks;

/**
 * The connection profile is invalid ({@code MW_ERR_PROFILE}): not JSON,
 * or a field is missing, of the wrong type or has an unsupported value. The
 * message names the field and, for a profile loaded from a file, the file.
 */
public class ProfileException extends MisterWebhooksException {
    private static final long serialVersionUID = 1L;

    ProfileException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
