package com.misterwebhooks;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * A Kafka consumer of one Mister Webhooks topic, in the consumer group named
 * by the profile's {@code consumerName}.
 *
 * <p>{@link #run} calls the handler once per webhook event on the thread that
 * called {@code run}, and commits an event's offset only after the handler
 * returned for it. {@link #stop()} may be called from any thread, and
 * {@link #close()} from any thread or the handler. The other methods must not
 * be called while {@code run} runs on another thread; they throw
 * {@link InvalidArgumentException} then. Close the consumer, for example with
 * try-with-resources, to leave the group and free its librdkafka client; an
 * unclosed consumer is freed when it becomes unreachable.
 */
public final class MisterWebhooksConsumer implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final String topic;
    private final ConnectionProfile profile;
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** The callback of the current run, referenced here so the garbage collector keeps it during the run. */
    private volatile MisterWebhooksLibrary.EventHandlerCallback activeCallback;

    /**
     * Creates a consumer of {@code topic}. Nothing connects before
     * {@link #run}. A consumer group without committed offsets starts at the
     * earliest record of each partition.
     *
     * @throws ProfileException when the profile is invalid
     * @throws InvalidArgumentException for an empty topic or one containing NUL
     * @throws KafkaException when librdkafka rejects the configuration, for
     *     example a CA file that cannot be loaded
     */
    public MisterWebhooksConsumer(String topic, ConnectionProfile profile) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.profile = Objects.requireNonNull(profile, "profile");
        byte[] topicBytes = LibraryLoader.cString("topic", topic);

        MisterWebhooksLibrary library = LibraryLoader.library();
        Pointer nativeProfile = ConnectionProfile.parse(profile.toJson());
        PointerByReference consumerOut = new PointerByReference();
        PointerByReference errorOut = new PointerByReference();
        try {
            int status = library.mw_consumer_new(topicBytes, nativeProfile, consumerOut, errorOut);
            LibraryLoader.check(status, errorOut);
        } finally {
            library.mw_profile_free(nativeProfile);
        }

        this.handle = new Handle(library, consumerOut.getValue());
        this.cleanable = CLEANER.register(this, handle);
    }

    /** Returns the topic this consumer reads. */
    public String topic() {
        return topic;
    }

    /** Returns the profile this consumer was created with. */
    public ConnectionProfile profile() {
        return profile;
    }

    /**
     * Sets a configuration property before {@link #run}.
     *
     * <p>Keys starting with {@code mw.} belong to libmisterwebhooks:
     * {@code mw.broker.timeout.ms} (default 30000), {@code
     * mw.commit.timeout.ms} (default 10000) and {@code mw.poll.interval.ms}
     * (default 100), all in milliseconds. Every other key is a librdkafka
     * property, such as {@code session.timeout.ms}.
     *
     * @throws InvalidArgumentException while the consumer runs, after
     *     {@link #close()}, or for an unknown {@code mw.} key or a value that
     *     is not a positive integer
     * @throws KafkaException for a key or value that librdkafka rejects
     */
    public void setOption(String key, String value) {
        byte[] keyBytes = LibraryLoader.cString("option key", key);
        byte[] valueBytes = LibraryLoader.cString("value of option " + key, value);

        synchronized (handle) {
            Pointer consumer = handle.requireOpen(topic);
            if (handle.runner != null) {
                throw invalidState("cannot set option " + LibraryLoader.quote(key) + " while the consumer of topic "
                        + LibraryLoader.quote(topic) + " runs");
            }

            PointerByReference errorOut = new PointerByReference();
            LibraryLoader.check(handle.library.mw_consumer_set_option(consumer, keyBytes, valueBytes, errorOut),
                    errorOut);
        }
    }

    /**
     * Consumes the topic, calling {@code handler} for each webhook event,
     * until {@link #stop()} or {@link #close()} is called, the handler
     * throws, a record cannot be decoded, or Kafka fails in a way that does
     * not heal.
     *
     * <p>The handler runs on the thread that called this method, one event at
     * a time. Offsets follow at-least-once rules: an event's offset is stored
     * only after the handler returned, and stored offsets are committed in the
     * background, before partitions are revoked in a rebalance, and when the
     * run ends. Each run joins the consumer group and leaves it on return, so
     * a consumer can run again. Interrupting the thread does not end a run:
     * call {@link #stop()}.
     *
     * @throws HandlerException when the handler threw an {@link Exception},
     *     checked or unchecked: the run stopped without committing that
     *     event, the exception is the cause, and the exception's topic,
     *     partition and offset are the event's. An {@link Error} thrown by the
     *     handler, such as an {@code AssertionError}, is rethrown as it is,
     *     with a {@code HandlerException} naming the event as a suppressed
     *     exception.
     * @throws RecordException when a record cannot be decoded; nothing is
     *     committed for it or after it in its partition
     * @throws KafkaException when the topic does not exist or is not
     *     authorized, brokers stay unreachable for {@code mw.broker.timeout.ms},
     *     librdkafka raises a fatal error, or the final commit fails
     * @throws AuthenticationException when the brokers reject the credentials
     * @throws InvalidArgumentException when the consumer already runs or is
     *     closed
     */
    public void run(EventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        Pointer consumer;
        synchronized (handle) {
            consumer = handle.requireOpen(topic);
            if (handle.runner != null) {
                throw invalidState("the consumer of topic " + LibraryLoader.quote(topic)
                        + " is already running on thread " + LibraryLoader.quote(handle.runner.getName()));
            }
            handle.runner = Thread.currentThread();
        }

        HandlerCall call = new HandlerCall(handler);
        MisterWebhooksLibrary.EventHandlerCallback callback = call::invoke;
        activeCallback = callback;
        PointerByReference errorOut = new PointerByReference();
        int status;
        try {
            status = handle.library.mw_consumer_run(consumer, callback, null, errorOut);
        } finally {
            // The callback must stay reachable until the library can no longer call it.
            Reference.reachabilityFence(callback);
            activeCallback = null;
            handle.finishRun();
        }

        if (call.failure != null) {
            throw handlerFailure(call, status, errorOut);
        }
        LibraryLoader.check(status, errorOut);
    }

    /**
     * Asks {@link #run} to finish the current event, commit and return,
     * within {@code mw.poll.interval.ms} when it waits for records. May be
     * called from any thread, the handler included. Called while no run is
     * in progress, it makes the next run return at once. Does nothing after
     * {@link #close()}.
     */
    public void stop() {
        synchronized (handle) {
            if (handle.pointer != null) {
                handle.library.mw_consumer_stop(handle.pointer);
            }
        }
    }

    /**
     * Leaves the consumer group and frees the consumer. Calling it again does
     * nothing. Called during a run, from the handler or another thread, it
     * stops the run, which commits, and the consumer is freed when
     * {@link #run} returns.
     */
    @Override
    public void close() {
        synchronized (handle) {
            if (handle.pointer == null) {
                return;
            }
            if (handle.runner != null) {
                handle.closeRequested = true;
                handle.library.mw_consumer_stop(handle.pointer);
                return;
            }
        }
        cleanable.clean();
    }

    @Override
    public String toString() {
        String state = "idle";
        synchronized (handle) {
            if (handle.pointer == null) {
                state = "closed";
            } else if (handle.runner != null) {
                state = "running";
            }
        }
        return "MisterWebhooksConsumer[topic=" + topic + ", group=" + profile.consumerName() + ", " + state + "]";
    }

    private static InvalidArgumentException invalidState(String message) {
        return new InvalidArgumentException(Status.INVALID_ARGUMENT, Status.INVALID_ARGUMENT.code(), message, null,
                -1, -1, null);
    }

    /**
     * Builds what {@link #run} throws after the handler threw: a
     * {@link HandlerException}, or the handler's {@link Error} itself.
     */
    private static RuntimeException handlerFailure(HandlerCall call, int status, PointerByReference errorOut) {
        Throwable failure = call.failure;
        WebhookEvent event = call.currentEvent;
        boolean isError = failure instanceof Error;
        Throwable cause = isError ? null : failure;

        MisterWebhooksException handlerError;
        MisterWebhooksException runError = null;
        if (status == Status.HANDLER.code()) {
            MisterWebhooksException fromLibrary = LibraryLoader.takeError(status, errorOut, null);
            handlerError = new HandlerException(Status.HANDLER, status, fromLibrary.getMessage() + ": " + failure,
                    fromLibrary.topic(), fromLibrary.partition(), fromLibrary.offset(), cause);
        } else {
            // Reached only when the library reports another error, such as a failed final commit, in place
            // of MW_ERR_HANDLER. That error is kept as a suppressed exception.
            if (status != Status.OK.code()) {
                runError = LibraryLoader.takeError(status, errorOut, null);
            }
            handlerError = new HandlerException(Status.HANDLER, Status.HANDLER.code(),
                    "the event handler threw " + failure + describe(event),
                    event == null ? null : event.topic(), event == null ? -1 : event.partition(),
                    event == null ? -1 : event.offset(), cause);
            if (runError != null) {
                handlerError.addSuppressed(runError);
            }
        }

        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (isError) {
            failure.addSuppressed(handlerError);
            throw (Error) failure;
        }
        return handlerError;
    }

    private static String describe(WebhookEvent event) {
        if (event == null) {
            return "";
        }
        return " for the record at topic " + LibraryLoader.quote(event.topic()) + " partition " + event.partition()
                + " offset " + event.offset();
    }

    /** The Java side of the {@code mw_event_handler} of one run. */
    private static final class HandlerCall {
        private final EventHandler handler;
        private WebhookEvent currentEvent;
        private Throwable failure;

        HandlerCall(EventHandler handler) {
            this.handler = handler;
        }

        /**
         * Copies the event and calls the handler. JNA only reports an
         * exception that escapes a callback, so every one is kept for
         * {@link #run} and the callback returns 1, which stops the run without
         * storing the event's offset.
         */
        int invoke(Pointer event, Pointer userData) {
            try {
                currentEvent = null;
                currentEvent = EventReader.read(event);
                handler.handle(currentEvent);
                return 0;
            } catch (Throwable error) {
                failure = error;
                return 1;
            }
        }
    }

    /**
     * The {@code mw_consumer} pointer and the run state, shared with the
     * {@link Cleaner}, so it must not reference the consumer. Guarded by its
     * own monitor.
     */
    private static final class Handle implements Runnable {
        final MisterWebhooksLibrary library;
        Pointer pointer;
        Thread runner;
        boolean closeRequested;

        Handle(MisterWebhooksLibrary library, Pointer pointer) {
            this.library = library;
            this.pointer = pointer;
        }

        Pointer requireOpen(String topic) {
            if (pointer == null) {
                throw invalidState("the consumer of topic " + LibraryLoader.quote(topic) + " is closed");
            }
            return pointer;
        }

        /** Ends a run, and frees the consumer when {@link #close()} was called during it. */
        synchronized void finishRun() {
            runner = null;
            if (closeRequested) {
                run();
            }
        }

        /** Frees the consumer unless it runs or is freed already. The cleaner and {@link #close()} call it. */
        @Override
        public synchronized void run() {
            if (pointer != null && runner == null) {
                library.mw_consumer_free(pointer);
                pointer = null;
            }
        }
    }
}
