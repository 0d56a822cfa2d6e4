package com.misterwebhooks;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Optional;

/** Functions of libmisterwebhooks that need no consumer. */
public final class MisterWebhooks {
    private MisterWebhooks() {
    }

    /** Returns the loaded library's version, such as "0.1.0". */
    public static String version() {
        return LibraryLoader.library().mw_version();
    }

    /**
     * Decodes one Kafka record, for applications that run their own Kafka
     * client.
     *
     * @param envelope the value of the record's first header named
     *     {@code envelope}, or null when there is no such header or its value
     *     is null
     * @param value the record value, or null for a null value
     * @param timestampMs the record timestamp, in milliseconds since the Unix
     *     epoch
     * @return the event, or an empty optional for a system record (envelope
     *     0x00-0x7F), which applications skip
     * @throws RecordException when the record cannot be decoded: a
     *     {@link MalformedMessageException}, {@link UnsupportedEnvelopeException},
     *     {@link EnvelopeDecodeException} or {@link PayloadDecodeException},
     *     with topic "", partition -1 and offset -1
     */
    public static Optional<WebhookEvent> decode(byte[] envelope, byte[] value, long timestampMs) {
        MisterWebhooksLibrary library = LibraryLoader.library();
        PointerByReference eventOut = new PointerByReference();
        PointerByReference errorOut = new PointerByReference();

        int status = library.mw_event_decode(
                envelope, new MisterWebhooksLibrary.SizeT(envelope == null ? 0 : envelope.length),
                value, new MisterWebhooksLibrary.SizeT(value == null ? 0 : value.length),
                timestampMs, eventOut, errorOut);
        LibraryLoader.check(status, errorOut);

        Pointer event = eventOut.getValue();
        if (event == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventReader.read(event));
        } finally {
            library.mw_event_free(event);
        }
    }
}
