package com.misterwebhooks;

/**
 * The event handler threw, which stopped the run ({@code MW_ERR_HANDLER}).
 *
 * <p>{@link MisterWebhooksConsumer#run} throws it for every {@link Exception},
 * checked or unchecked, that the handler throws: {@link #getCause()} is that
 * exception, and {@link #topic()}, {@link #partition()} and {@link #offset()}
 * locate the event it was handling, whose offset was not committed.
 */
public class HandlerException extends MisterWebhooksException {
    private static final long serialVersionUID = 1L;

    HandlerException(Status status, int statusCode, String message, String topic, int partition, long offset, Throwable cause) {
        super(status, statusCode, message, topic, partition, offset, cause);
    }
}
