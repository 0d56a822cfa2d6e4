package com.misterwebhooks;

import com.sun.jna.Pointer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Copies a borrowed or owned {@code mw_event} into a {@link WebhookEvent}. */
final class EventReader {
    private EventReader() {
    }

    /** Reads every field of {@code event}, which must stay valid during the call. */
    static WebhookEvent read(Pointer event) {
        MisterWebhooksLibrary library = LibraryLoader.library();
        MisterWebhooksLibrary.SizeTByReference length = new MisterWebhooksLibrary.SizeTByReference();

        Pointer payload = library.mw_event_payload_json(event, length);
        String payloadJson = LibraryLoader.text(payload, length.getValue());
        Pointer raw = library.mw_event_payload_raw(event, length);
        byte[] payloadBytes = LibraryLoader.bytes(raw, length.getValue());
        Pointer key = library.mw_event_key(event, length);
        byte[] keyBytes = LibraryLoader.bytes(key, length.getValue());

        return new WebhookEvent(
                HttpMethod.fromCode(library.mw_event_method(event)),
                PayloadEncoding.fromCode(library.mw_event_encoding(event)),
                library.mw_event_timestamp_ms(event),
                readHeaders(library, event, length),
                payloadJson,
                payloadBytes,
                LibraryLoader.text(library.mw_event_topic(event)),
                library.mw_event_partition(event),
                library.mw_event_offset(event),
                keyBytes);
    }

    private static List<Map.Entry<String, List<String>>> readHeaders(
            MisterWebhooksLibrary library, Pointer event, MisterWebhooksLibrary.SizeTByReference length) {
        long count = library.mw_event_header_count(event).longValue();
        List<Map.Entry<String, List<String>>> headers = new ArrayList<>((int) count);

        for (long index = 0; index < count; index++) {
            MisterWebhooksLibrary.SizeT entry = new MisterWebhooksLibrary.SizeT(index);
            String name = LibraryLoader.text(library.mw_event_header_name(event, entry, length), length.getValue());

            long valueCount = library.mw_event_header_value_count(event, entry).longValue();
            List<String> values = new ArrayList<>((int) valueCount);
            for (long valueIndex = 0; valueIndex < valueCount; valueIndex++) {
                Pointer value = library.mw_event_header_value(
                        event, entry, new MisterWebhooksLibrary.SizeT(valueIndex), length);
                values.add(LibraryLoader.text(value, length.getValue()));
            }

            headers.add(new AbstractMap.SimpleImmutableEntry<>(name, List.copyOf(values)));
        }
        return headers;
    }
}
