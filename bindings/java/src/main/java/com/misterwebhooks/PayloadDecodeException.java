package com.misterwebhooks;

/**
 * The webhook payload is not valid JSON or CBOR
 * ({@code MW_ERR_PAYLOAD_DECODE}).
 */
public class PayloadDecodeException extends DecodeException {
    private static final long serialVersionUID = 1L;

    PayloadDecodeException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
