package com.misterwebhooks;

/**
 * Kafka failed ({@code MW_ERR_KAFKA}): an option librdkafka rejects,
 * brokers that stay unreachable for {@code mw.broker.timeout.ms}, a missing or
 * unauthorized topic, a fatal client error, or a final offset commit that
 * failed.
 */
public class KafkaException extends MisterWebhooksException {
    private static final long serialVersionUID = 1L;

    KafkaException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
