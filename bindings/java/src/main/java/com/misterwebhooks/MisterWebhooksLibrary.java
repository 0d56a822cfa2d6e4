package com.misterwebhooks;

import com.sun.jna.Callback;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * JNA declarations of the C interface of libmisterwebhooks, one method per
 * function of {@code misterwebhooks.h}.
 *
 * <p>Applications use {@link MisterWebhooksConsumer},
 * {@link ConnectionProfile} and {@link MisterWebhooks}, which own and free
 * the pointers these methods return. C strings passed in are NUL-terminated
 * UTF-8 byte arrays (see {@link #cString(String)}), so the encoding does not
 * depend on the JVM's default charset. The enums of the header ({@code
 * mw_status}, {@code mw_http_method}, {@code mw_payload_encoding},
 * {@code mw_log_level}) are {@code int}s.
 */
public interface MisterWebhooksLibrary extends Library {

    /** C {@code size_t}, as wide as the platform's pointers. */
    final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    /** A {@code size_t *} output parameter. */
    final class SizeTByReference extends ByReference {
        public SizeTByReference() {
            super(Native.SIZE_T_SIZE);
            getPointer().setLong(0, 0);
        }

        /** Returns the stored length, read as a signed {@code long} on 64-bit platforms. */
        public long getValue() {
            return Native.SIZE_T_SIZE == 8 ? getPointer().getLong(0) : getPointer().getInt(0) & 0xFFFFFFFFL;
        }
    }

    /** C type {@code mw_event_handler}: {@code int (*)(const mw_event *, void *)}. */
    interface EventHandlerCallback extends Callback {
        int invoke(Pointer event, Pointer userData);
    }

    /** C type {@code mw_log_handler}: {@code void (*)(mw_log_level, const char *, void *)}. */
    interface LogHandlerCallback extends Callback {
        void invoke(int level, Pointer message, Pointer userData);
    }

    /** Encodes {@code text} as NUL-terminated UTF-8, or returns null for null. */
    static byte[] cString(String text) {
        if (text == null) {
            return null;
        }
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(utf8, utf8.length + 1);
    }

    // MARK: - Version and names

    String mw_version();

    String mw_status_name(int status);

    String mw_http_method_name(int method);

    String mw_payload_encoding_name(int encoding);

    // MARK: - Errors

    int mw_error_code(Pointer error);

    Pointer mw_error_message(Pointer error);

    Pointer mw_error_topic(Pointer error);

    int mw_error_partition(Pointer error);

    long mw_error_offset(Pointer error);

    void mw_error_free(Pointer error);

    // MARK: - Events

    int mw_event_decode(byte[] envelope, SizeT envelopeLen, byte[] value, SizeT valueLen, long timestampMs,
                        PointerByReference outEvent, PointerByReference outError);

    int mw_event_method(Pointer event);

    int mw_event_encoding(Pointer event);

    long mw_event_timestamp_ms(Pointer event);

    SizeT mw_event_header_count(Pointer event);

    Pointer mw_event_header_name(Pointer event, SizeT index, SizeTByReference len);

    SizeT mw_event_header_value_count(Pointer event, SizeT index);

    Pointer mw_event_header_value(Pointer event, SizeT index, SizeT valueIndex, SizeTByReference len);

    SizeT mw_event_headers_json(Pointer event, Pointer buffer, SizeT capacity);

    Pointer mw_event_payload_json(Pointer event, SizeTByReference len);

    Pointer mw_event_payload_raw(Pointer event, SizeTByReference len);

    Pointer mw_event_topic(Pointer event);

    int mw_event_partition(Pointer event);

    long mw_event_offset(Pointer event);

    Pointer mw_event_key(Pointer event, SizeTByReference len);

    Pointer mw_event_copy(Pointer event);

    void mw_event_free(Pointer event);

    // MARK: - Connection profiles

    int mw_profile_load(byte[] path, PointerByReference outProfile, PointerByReference outError);

    int mw_profile_parse(byte[] json, SizeT len, PointerByReference outProfile, PointerByReference outError);

    Pointer mw_profile_consumer_name(Pointer profile);

    Pointer mw_profile_auth_mechanism(Pointer profile);

    Pointer mw_profile_auth_secret(Pointer profile);

    Pointer mw_profile_kafka_bootstrap(Pointer profile);

    Pointer mw_profile_security_protocol(Pointer profile);

    Pointer mw_profile_ssl_ca_location(Pointer profile);

    void mw_profile_free(Pointer profile);

    // MARK: - Consumer

    int mw_consumer_new(byte[] topic, Pointer profile, PointerByReference outConsumer, PointerByReference outError);

    int mw_consumer_set_option(Pointer consumer, byte[] key, byte[] value, PointerByReference outError);

    int mw_consumer_run(Pointer consumer, EventHandlerCallback handler, Pointer userData,
                        PointerByReference outError);

    void mw_consumer_stop(Pointer consumer);

    void mw_consumer_free(Pointer consumer);

    // MARK: - Logging

    void mw_set_log_handler(LogHandlerCallback handler, Pointer userData, int maxLevel);
}
