package com.misterwebhooks;

/**
 * Receives the webhook events of {@link MisterWebhooksConsumer#run}, one at a
 * time, on the thread that called {@code run}.
 *
 * <p>Returning accepts the event, so its offset is committed. Throwing stops
 * the run without committing the event, which the group's next consumer then
 * receives again.
 */
@FunctionalInterface
public interface EventHandler {
    /** Handles one event. */
    void handle(WebhookEvent event) throws Exception;
}
