package com.misterwebhooks;

/**
 * The brokers rejected the profile's SASL credentials
 * ({@code MW_ERR_AUTHENTICATION}).
 */
public class AuthenticationException extends KafkaException {
    private static final long serialVersionUID = 1L;

    AuthenticationException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
