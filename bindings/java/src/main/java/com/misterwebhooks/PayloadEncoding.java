package com.misterwebhooks;

/** Encoding of a webhook payload as received ({@code mw_payload_encoding}). */
public enum PayloadEncoding {
    JSON, CBOR;

    /** Returns the encoding with the {@code mw_payload_encoding} value {@code code}. */
    static PayloadEncoding fromCode(int code) {
        PayloadEncoding[] encodings = values();
        if (code < 0 || code >= encodings.length) {
            throw new IllegalStateException("libmisterwebhooks returned the unknown payload encoding value " + code);
        }
        return encodings[code];
    }
}
