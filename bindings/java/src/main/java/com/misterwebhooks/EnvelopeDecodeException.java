package com.misterwebhooks;

/**
 * The record value is not a valid Avro {@code KafkaMessageEnvelopeV1}
 * ({@code MW_ERR_ENVELOPE_DECODE}).
 */
public class EnvelopeDecodeException extends DecodeException {
    private static final long serialVersionUID = 1L;

    EnvelopeDecodeException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
